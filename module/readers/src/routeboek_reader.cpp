#include "eenplan/readers/routeboek_reader.hpp"

#include <set>

namespace eenplan::readers {
using namespace eenplan::routeboek;

namespace {

RecipientRole role(const std::string& text) {
    if (text == "local_team") return RecipientRole::local_team;
    if (text == "leerplicht") return RecipientRole::leerplicht;
    if (text == "organisation") return RecipientRole::organisation;
    if (text == "raiser") return RecipientRole::raiser;
    if (text == "casusregisseur") return RecipientRole::casusregisseur;
    if (text == "zorgcoordinator") return RecipientRole::zorgcoordinator;
    return RecipientRole::school;
}

template <typename T>
T get_or(const YAML::Node& node, const char* key, T fallback) {
    return node[key] ? node[key].as<T>() : fallback;
}

std::vector<std::string> strings(const YAML::Node& node) {
    std::vector<std::string> out;
    for (const auto& item : node) out.push_back(item.as<std::string>());
    return out;
}

TaskTemplate task(const YAML::Node& node) {
    return {node["type"].as<std::string>(), node["title"].as<std::string>(), role(node["recipient"].as<std::string>()),
            get_or<std::string>(node, "organisation", ""), node["due_days"].as<int>()};
}

// Cross-references the schema cannot express.
class References {
public:
    References(const Routeboek& rb, Problems& problems) : rb_(rb), problems_(problems) {}

    void organisation(const std::string& id, const std::string& pointer) {
        if (!id.empty() && !rb_.organisation(id)) {
            problems_.push_back({pointer, "names organisation \"" + id + "\", which the routeboek does not list"});
        }
    }
    void task(const TaskTemplate& t, const std::string& pointer) {
        if (t.recipient == RecipientRole::organisation) organisation(t.organisation, pointer + "/organisation");
    }

private:
    const Routeboek& rb_;
    Problems& problems_;
};

// The optional `registration` section: enrolment sync and pupils without a school.
std::optional<RegistrationRules> registration_rules(const YAML::Node& node, References& refs) {
    if (!node) return std::nullopt;
    RegistrationRules rules;
    rules.enrolment_started = task(node["enrolment_started"]);
    rules.enrolment_ended = task(node["enrolment_ended"]);
    const YAML::Node without = node["without_school"];
    rules.without_school_after_school_days = without["after_school_days"].as<int>();
    if (without["not_for_reasons"]) rules.not_watched_reasons = strings(without["not_for_reasons"]);
    rules.absoluut_verzuim = task(without["task"]);
    rules.woongemeente_changed = task(node["woongemeente_changed"]);
    refs.task(rules.enrolment_started, "/registration/enrolment_started");
    refs.task(rules.enrolment_ended, "/registration/enrolment_ended");
    refs.task(rules.absoluut_verzuim, "/registration/without_school/task");
    refs.task(rules.woongemeente_changed, "/registration/woongemeente_changed");
    return rules;
}

// organisations: every party the routeboek names, each id once.
void read_organisations(YAML::Node root, Routeboek& rb, Problems& problems) {
    std::set<std::string> seen;
    const YAML::Node organisations = root["organisations"];
    for (std::size_t i = 0; i < organisations.size(); ++i) {
        const YAML::Node o = organisations[i];
        rb.organisations.push_back(
            {o["id"].as<std::string>(), o["name"].as<std::string>(), o["kind"].as<std::string>()});
        if (!seen.insert(rb.organisations.back().id).second) {
            problems.push_back({"/organisations/" + std::to_string(i) + "/id", "repeats an organisation id"});
        }
    }
}

// How one municipality registers a case with a table.
Registration read_registration(const YAML::Node& r) {
    Registration reg;
    reg.registered_by = r["registered_by"].as<std::string>();
    reg.task_for = role(r["task_for"].as<std::string>());
    reg.task_organisation = get_or<std::string>(r, "task_organisation", "");
    reg.registers_with = r["registers_with"].as<std::string>();
    reg.channel = get_or<std::string>(r, "channel", "");
    if (r["notify"]) reg.notify = strings(r["notify"]);
    if (r["deadline_weeks"]) reg.deadline_weeks = r["deadline_weeks"].as<int>();
    reg.term_days = get_or(r, "term_days", reg.term_days);
    return reg;
}

// One escalation table: level, window, registration per municipality, members, dossier.
Table read_table(const YAML::Node& t) {
    Table table;
    table.id = t["id"].as<std::string>();
    table.name = t["name"].as<std::string>();
    table.level = t["level"].as<int>();
    table.purpose = get_or<std::string>(t, "purpose", "");
    if (const YAML::Node window = t["window_weeks"]) {
        table.window_from_weeks = window["from"].as<int>();
        table.window_to_weeks = window["to"].as<int>();
    }
    for (const auto& entry : t["registration"]) {
        table.registration.emplace(entry.first.as<std::string>(), read_registration(entry.second));
    }
    for (const auto& entry : t["members"]) table.members.emplace(entry.first.as<std::string>(), strings(entry.second));
    if (t["dossier"]) table.dossier = strings(t["dossier"]);
    table.may_appoint_casusregisseur = get_or(t, "may_appoint_casusregisseur", false);
    return table;
}

void read_tables(YAML::Node root, Routeboek& rb, Problems& problems) {
    const YAML::Node tables = root["tables"];
    for (std::size_t i = 0; i < tables.size(); ++i) {
        Table table = read_table(tables[i]);
        if (rb.table(table.id)) problems.push_back({"/tables/" + std::to_string(i) + "/id", "repeats a table id"});
        rb.tables.push_back(std::move(table));
    }
}

void read_municipalities(YAML::Node root, Routeboek& rb) {
    for (const YAML::Node& m : root["municipalities"]) {
        rb.municipalities.push_back({m["code"].as<std::string>(), m["name"].as<std::string>(),
                                     m["local_team"].as<std::string>(), m["leerplicht"].as<std::string>(),
                                     strings(m["ladder"]), get_or<std::string>(m, "jeugdbeschermingstafel", "")});
    }
}

// triggers: consecutive absence and partial attendance.
void read_triggers(YAML::Node root, Routeboek& rb) {
    if (const YAML::Node c = root["triggers"]["consecutive_absence"]) {
        ConsecutiveAbsenceTrigger trigger;
        trigger.id = c["id"].as<std::string>();
        trigger.weeks = c["weeks"].as<int>();
        if (c["not_counting"]) trigger.not_counting = strings(c["not_counting"]);
        trigger.bridge_days = get_or(c, "bridge_days", trigger.bridge_days);
        rb.consecutive_absence = trigger;
    }
    if (const YAML::Node p = root["triggers"]["partial_attendance"]) {
        rb.partial_attendance = PartialAttendanceTrigger{p["id"].as<std::string>(), p["min_weeks"].as<int>(),
                                                         p["min_approaches"].as<int>()};
    }
}

// One prevention pattern: unauthorised absences, unauthorised hours, or a raised concern.
PreventionPattern read_prevention_pattern(const YAML::Node& p) {
    PreventionPattern pattern;
    pattern.id = p["id"].as<std::string>();
    const YAML::Node when = p["when"];
    if (const YAML::Node a = when["unauthorised_absences"]) {
        pattern.kind = PreventionPattern::Kind::unauthorised_absences;
        pattern.count = a["count"].as<int>();
        pattern.max_days_each = a["max_days_each"].as<int>();
        pattern.within_days = a["within_days"].as<int>();
    } else if (const YAML::Node h = when["unauthorised_hours"]) {
        pattern.kind = PreventionPattern::Kind::unauthorised_hours;
        pattern.hours = h["hours"].as<double>();
        pattern.within_days = h["within_days"].as<int>();
    } else {
        pattern.kind = PreventionPattern::Kind::concern_raised;
    }
    pattern.task = task(p["task"]);
    return pattern;
}

// The task templates (on_escalation, eigen_team, casusregisseur, jeugdbescherming), prevention and terms.
void read_tasks_and_terms(YAML::Node root, Routeboek& rb) {
    for (const auto& t : root["on_escalation"]) rb.on_escalation.push_back(task(t));
    rb.eigen_team = task(root["eigen_team"]);
    rb.casusregisseur = task(root["casusregisseur"]);
    rb.jeugdbescherming = task(root["jeugdbescherming"]);
    for (const auto& p : root["prevention"]) rb.prevention.push_back(read_prevention_pattern(p));
    if (const YAML::Node terms = root["terms"]) {
        rb.reminder_days_before_due = get_or(terms, "reminder_days_before_due", rb.reminder_days_before_due);
        rb.de_escalate_after_attendance_days =
            get_or(terms, "de_escalate_after_attendance_days", rb.de_escalate_after_attendance_days);
    }
}

// Each municipality's organisations exist, and each step of its ladder is a table that takes its
// registrations.
void check_municipalities(const Routeboek& rb, References& refs, Problems& problems) {
    for (std::size_t i = 0; i < rb.municipalities.size(); ++i) {
        const Municipality& m = rb.municipalities[i];
        const std::string at = "/municipalities/" + std::to_string(i);
        refs.organisation(m.local_team, at + "/local_team");
        refs.organisation(m.leerplicht, at + "/leerplicht");
        refs.organisation(m.jeugdbeschermingstafel, at + "/jeugdbeschermingstafel");
        for (std::size_t s = 0; s < m.ladder.size(); ++s) {
            const Table* table = rb.table(m.ladder[s]);
            const std::string step = at + "/ladder/" + std::to_string(s);
            if (!table) {
                problems.push_back({step, "names table \"" + m.ladder[s] + "\", which the routeboek does not define"});
            } else if (!table->registration.contains(m.code)) {
                problems.push_back({step, "puts the " + table->name + " on " + m.name +
                                              "'s ladder, but that table has no registration for " + m.code});
            }
        }
    }
}

// Each table's registrations are for listed municipalities and name listed organisations.
void check_registrations(const Routeboek& rb, References& refs, Problems& problems) {
    for (std::size_t i = 0; i < rb.tables.size(); ++i) {
        for (const auto& [code, reg] : rb.tables[i].registration) {
            const std::string at = "/tables/" + std::to_string(i) + "/registration/" + code;
            if (!rb.municipality(code)) problems.push_back({at, "is for a municipality the routeboek does not list"});
            refs.organisation(reg.registers_with, at + "/registers_with");
            if (reg.task_for == RecipientRole::organisation)
                refs.organisation(reg.task_organisation, at + "/task_organisation");
            for (std::size_t n = 0; n < reg.notify.size(); ++n)
                refs.organisation(reg.notify[n], at + "/notify/" + std::to_string(n));
        }
    }
}

void check_tasks(const Routeboek& rb, References& refs) {
    for (std::size_t i = 0; i < rb.on_escalation.size(); ++i)
        refs.task(rb.on_escalation[i], "/on_escalation/" + std::to_string(i));
    refs.task(rb.eigen_team, "/eigen_team");
    refs.task(rb.casusregisseur, "/casusregisseur");
    refs.task(rb.jeugdbescherming, "/jeugdbescherming");
    for (std::size_t i = 0; i < rb.prevention.size(); ++i)
        refs.task(rb.prevention[i].task, "/prevention/" + std::to_string(i) + "/task");
}

// The routeboek, section by section, from a file the schema has accepted; then the
// cross-references the schema cannot express.
Result<Routeboek> parse_valid_routeboek(YAML::Node root) {
    Problems problems;
    Routeboek rb;
    rb.id = root["routeboek"]["id"].as<std::string>();
    rb.name = root["routeboek"]["name"].as<std::string>();
    rb.version = root["routeboek"]["version"].as<std::string>();
    if (const YAML::Node sector = root["routeboek"]["sector"]) rb.sector = sector.as<std::string>();
    read_organisations(root, rb, problems);
    read_tables(root, rb, problems);
    read_municipalities(root, rb);
    read_triggers(root, rb);
    read_tasks_and_terms(root, rb);

    References refs(rb, problems);
    check_municipalities(rb, refs, problems);
    check_registrations(rb, refs, problems);
    check_tasks(rb, refs);
    rb.registration = registration_rules(root["registration"], refs);
    if (!problems.empty()) return problems;
    return rb;
}

}  // namespace

// A value the schema lets through but the typed routeboek cannot hold (a number too large for its
// field, say) is reported like any other problem in the file, never thrown.
Result<Routeboek> read_routeboek(YAML::Node root) {
    try {
        return parse_valid_routeboek(root);
    } catch (const YAML::Exception& error) {
        return Problem{"", std::string("a value cannot be read as the routeboek needs: ") + error.what()};
    }
}

}  // namespace eenplan::readers
