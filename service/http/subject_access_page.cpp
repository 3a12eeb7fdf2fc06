#include "http/subject_access_page.hpp"

#include <chrono>
#include <sstream>

#include <Poco/JSON/Array.h>

namespace eenplan::service {
namespace {

std::string text_of(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "";
    if (value.type() == typeid(Poco::JSON::Array::Ptr)) {
        const auto list = value.extract<Poco::JSON::Array::Ptr>();
        std::string out;
        for (std::size_t i = 0; i < list->size(); ++i) {
            out += (i > 0 ? ", " : "") + list->get(static_cast<unsigned>(i)).toString();
        }
        return out;
    }
    if (value.type() == typeid(Poco::JSON::Object::Ptr)) {
        const auto o = value.extract<Poco::JSON::Object::Ptr>();
        std::string out;
        for (const std::string& key : o->getNames())
            out += (out.empty() ? "" : ", ") + key + ": " + text_of(o->get(key));
        return out;
    }
    return value.toString();
}

// Microseconds since the epoch as "YYYY-MM-DD hh:mm UTC".
std::string when(const Poco::Dynamic::Var& value) {
    if (value.isEmpty()) return "";
    const auto us = value.convert<Poco::Int64>();
    const auto t = std::chrono::sys_time<std::chrono::microseconds>(std::chrono::microseconds(us));
    const auto day = std::chrono::floor<std::chrono::days>(t);
    const std::chrono::year_month_day ymd(day);
    const std::chrono::hh_mm_ss hms(std::chrono::floor<std::chrono::minutes>(t - day));
    char buffer[32];
    std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u %02ld:%02ld UTC", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long>(hms.hours().count()), static_cast<long>(hms.minutes().count()));
    return buffer;
}

struct Column {
    const char* heading;
    const char* key;
    bool time = false;
};

void table(std::ostringstream& out, const char* title, const char* explanation, const Poco::JSON::Array::Ptr& rows,
           std::initializer_list<Column> columns) {
    out << "<h2>" << html_escape(title) << "</h2>\n<p>" << html_escape(explanation) << "</p>\n";
    if (!rows || rows->size() == 0) {
        out << "<p><em>Geen.</em></p>\n";
        return;
    }
    out << "<table>\n<tr>";
    for (const Column& c : columns) out << "<th>" << html_escape(c.heading) << "</th>";
    out << "</tr>\n";
    for (std::size_t i = 0; i < rows->size(); ++i) {
        const auto row = rows->getObject(static_cast<unsigned>(i));
        out << "<tr>";
        for (const Column& c : columns) {
            const auto value = row->has(c.key) ? row->get(c.key) : Poco::Dynamic::Var();
            out << "<td>" << html_escape(c.time ? when(value) : text_of(value)) << "</td>";
        }
        out << "</tr>\n";
    }
    out << "</table>\n";
}

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
            case '&': out += "&amp;"; break;
            case '<': out += "&lt;"; break;
            case '>': out += "&gt;"; break;
            case '"': out += "&quot;"; break;
            case '\'': out += "&#39;"; break;
            default: out += c;
        }
    }
    return out;
}

std::string subject_access_html(const Poco::JSON::Object::Ptr& report) {
    const auto subject = report->getObject("subject");
    const auto held = report->getObject("held");
    const bool family = subject->getValue<std::string>("kind") == "family";
    std::ostringstream out;
    out << "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n<meta charset=\"utf-8\">\n"
           "<title>Inzage persoonsgegevens (AVG art. 15)</title>\n"
           "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto;line-height:1.4}"
           "table{border-collapse:collapse;width:100%;margin-bottom:1em}"
           "th,td{border:1px solid #999;padding:.25em .5em;text-align:left;vertical-align:top;font-size:.9em}"
           "th{background:#eee}</style>\n</head>\n<body>\n";
    out << "<h1>Inzage persoonsgegevens</h1>\n<p>Dit overzicht laat zien welke gegevens eenplan bewaart over "
        << (family ? "dit gezin" : "deze leerling")
        << ", aan wie gegevens zijn verstrekt en wie de gegevens heeft ingezien (artikel 15 AVG). eenplan bewaart "
           "geen burgerservicenummer, naam of geboortedatum: leerlingen en ouders staan er alleen onder een "
           "pseudoniem in.</p>\n";
    out << "<table>\n<tr><th>Kenmerk in eenplan</th><td>" << html_escape(subject->getValue<std::string>("id"))
        << "</td></tr>\n<tr><th>Soort</th><td>" << (family ? "gezin" : "leerling")
        << "</td></tr>\n<tr><th>Leerlingdossiers</th><td>" << html_escape(text_of(subject->get("pupil_ids")))
        << "</td></tr>\n<tr><th>Opgesteld</th><td>" << html_escape(when(report->get("generated_at_us")))
        << "</td></tr>\n<tr><th>Opgesteld door</th><td>" << html_escape(report->getValue<std::string>("generated_by"))
        << "</td></tr>\n</table>\n";
    table(out, "Dossiers", "De leerlingdossiers en de soorten kenmerken waaronder ze bekend zijn.",
          held->getArray("records"),
          {{"Dossier", "pupil_id"},
           {"Aangemaakt", "created_at_us", true},
           {"Samengevoegd met", "merged_into"},
           {"Gezin", "family_id"},
           {"Soorten kenmerken", "identifier_kinds"}});
    table(out, "Plannen", "De stand van het plan van aanpak per gezin.", held->getArray("plans"),
          {{"Gezin", "family_id"},
           {"Stand", "state"},
           {"Tafel", "table_id"},
           {"Opgeschaald sinds", "escalated_since"},
           {"Besluiten", "decisions"},
           {"Bijgewerkt", "updated_at_us", true}});
    table(out, "Taken", "Taken voor professionals van andere organisaties.", held->getArray("tasks"),
          {{"Taak", "type"},
           {"Ontvanger", "recipient_id"},
           {"Uiterste datum", "due_date"},
           {"Aangemaakt", "created_at_us", true},
           {"Door", "created_by"},
           {"Stand verzending", "delivery_state"}});
    table(out, "Signalen", "Meldingen van scholen en gemeenten (alleen de kenmerken, niet de inhoud).",
          held->getArray("signals"),
          {{"Soort", "type"}, {"Bron", "source_id"}, {"Datum", "occurred_at"}, {"Ontvangen", "received_at_us", true}});
    table(out, "Toestemmingen", "Toestemmingen van ouders of de jongere, en wanneer ze zijn ingetrokken.",
          report->getArray("consents"),
          {{"Doel", "purpose"},
           {"Soort ontvanger", "recipient_kind"},
           {"Gegevens", "categories"},
           {"Van", "valid_from"},
           {"Tot", "valid_until"},
           {"Gegeven door", "given_by"},
           {"Vastgelegd", "given_at_us", true},
           {"Ingetrokken", "withdrawn_at_us", true}});
    table(out, "Verstrekkingen",
          "Elke keer dat gegevens aan een andere organisatie zijn verstrekt, met het convenant en de grondslag.",
          report->getArray("disclosures"),
          {{"Moment", "disclosed_at_us", true},
           {"Ontvanger", "recipient_id"},
           {"Taak", "task_type"},
           {"Convenant", "agreement"},
           {"Grondslag", "legal_basis"},
           {"Verwerking", "processing_activity"},
           {"Gegevens", "categories"}});
    table(out, "Inzage en handelingen", "Wie de gegevens heeft ingezien of gewijzigd (auditlog).",
          report->getArray("accesses"),
          {{"Moment", "at_us", true},
           {"Wie", "actor"},
           {"Namens", "on_behalf_of"},
           {"Rol", "role"},
           {"Handeling", "method"},
           {"Wat", "route"},
           {"Uitkomst", "outcome"}});
    out << "</body>\n</html>\n";
    return out.str();
}

}  // namespace eenplan::service
