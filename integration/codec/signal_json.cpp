#include "codec/signal_json.hpp"

#include <sstream>
#include <utility>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace eenplan::signal_json {
namespace {

using Poco::JSON::Object;

// The field list of each type: one function per type names every field once; reading and
// writing both walk it.
template <typename V>
void fields(V& v, EnrolmentStarted& d) {
    v("start_date", d.start_date);
    v("sector", d.sector);
    v("leerjaar", d.leerjaar);
}
template <typename V>
void fields(V& v, EnrolmentEnded& d) {
    v("end_date", d.end_date);
    v("reason", d.reason);
}
template <typename V>
void fields(V& v, AbsenceReported& d) {
    v("absence_kind", d.absence_kind);
    v("from", d.from);
    v("to", d.to);
    v("hours", d.hours);
}
template <typename V>
void fields(V& v, SupportStarted& d) {
    v("start_date", d.start_date);
    v("provider", d.provider);
}
// A request lists the members (the pipeline pseudonymises them); the envelope keeps the count.
template <typename V>
void fields(V& v, HouseholdComposition& d) {
    v("gemeentecode", d.gemeentecode);
    v.count("members", d.members);
}
template <typename V>
void fields(V& v, PersonMoved& d) {
    v("gemeentecode", d.gemeentecode);
    v("date", d.date);
    v("birth_year", d.birth_year);
}
template <typename V>
void fields(V& v, AttendancePartial& d) {
    v("from", d.from);
    v("to", d.to);
    v("approaches", d.approaches);
    v("hours_per_week", d.hours_per_week);
}
template <typename V>
void fields(V& v, MdoHeld& d) {
    v("escalate", d.escalate);
    v("outcome", d.outcome);
    v("goals", d.goals);
    v("dissent", d.dissent);
}
template <typename V>
void fields(V& v, CaseRegistered& d) {
    v("table", d.table);
    v("registered_by", d.registered_by);
}
template <typename V>
void fields(V& v, TableOutcome& d) {
    v("table", d.table);
    v("outcome", d.outcome);
    v("casusregisseur", d.casusregisseur);
}
template <typename V>
void fields(V& v, YouthcareStarted& d) {
    v("start_date", d.start_date);
    v("provider", d.provider);
    v("form", d.form);
}
template <typename V>
void fields(V& v, YouthcareEnded& d) {
    v("end_date", d.end_date);
    v("reason", d.reason);
}
template <typename V>
void fields(V& v, ConcernRaised& d) {
    v("raised_by", d.raised_by);
    v("concern", d.concern);
    v("disagrees_with_mdo", d.disagrees_with_mdo);
}
template <typename V>
void fields(V& v, ConsentGiven& d) {
    v("reference", d.reference);
    v("purpose", d.purpose);
    v("recipient_kind", d.recipient_kind);
    v("categories", d.categories);
    v("valid_from", d.valid_from);
    v("valid_until", d.valid_until);
    v("given_by", d.given_by);
    v("age_band", d.age_band);
}
template <typename V>
void fields(V& v, ConsentWithdrawn& d) {
    v("reference", d.reference);
}

// Reads fields from a JSON object; every missing or mistyped one becomes a problem.
class Reader {
public:
    Reader(const Object& object, std::string base, Problems& problems)
        : o_(object), base_(std::move(base)), problems_(problems) {}

    void operator()(const char* key, std::string& into) {
        required(key, [&](const auto& v) { return text(key, v, into); });
    }
    void operator()(const char* key, Day& into) {
        required(key, [&](const auto& v) { return day(key, v, into); });
    }
    void operator()(const char* key, int& into) {
        required(key, [&](const auto& v) { return integer(key, v, into); });
    }
    void operator()(const char* key, bool& into) {
        required(key, [&](const auto& v) { return boolean(key, v, into); });
    }
    template <typename T>
    void operator()(const char* key, std::optional<T>& into) {
        if (!o_.has(key)) return;
        T value{};
        if ((*this).read(key, o_.get(key), value)) into = std::move(value);
    }
    void operator()(const char* key, std::vector<std::string>& into) {
        if (!o_.has(key)) return;
        const auto array = o_.getArray(key);
        if (!array) return wrong(key, "must be an array of strings");
        for (std::size_t i = 0; i < array->size(); ++i) {
            const auto& item = array->get(static_cast<unsigned>(i));
            if (!item.isString()) return wrong(key, "must be an array of strings");
            into.push_back(item.extract<std::string>());
        }
    }
    // An array's length, or a count already.
    void count(const char* key, int& into) {
        if (!o_.has(key)) return wrong(key, "is required");
        if (const auto array = o_.getArray(key)) {
            into = static_cast<int>(array->size());
            return;
        }
        (*this)(key, into);
    }

private:
    template <typename F>
    void required(const char* key, F read_value) {
        if (!o_.has(key)) return wrong(key, "is required");
        read_value(o_.get(key));
    }
    bool read(const char* key, const Poco::Dynamic::Var& v, std::string& into) { return text(key, v, into); }
    bool read(const char* key, const Poco::Dynamic::Var& v, Day& into) { return day(key, v, into); }
    bool read(const char* key, const Poco::Dynamic::Var& v, int& into) { return integer(key, v, into); }
    bool read(const char* key, const Poco::Dynamic::Var& v, bool& into) { return boolean(key, v, into); }
    bool read(const char* key, const Poco::Dynamic::Var& v, double& into) {
        if (!v.isNumeric()) return wrong(key, "must be a number"), false;
        into = v.convert<double>();
        return true;
    }
    bool text(const char* key, const Poco::Dynamic::Var& v, std::string& into) {
        if (!v.isString()) return wrong(key, "must be a string"), false;
        into = v.extract<std::string>();
        return true;
    }
    bool day(const char* key, const Poco::Dynamic::Var& v, Day& into) {
        std::string value;
        if (!v.isString() || (value = v.extract<std::string>()).size() != 10)
            return wrong(key, "must be a date"), false;
        const auto parsed = routeboek::parse_day(value);
        if (!parsed) return wrong(key, "must be a date"), false;
        into = *parsed;
        return true;
    }
    bool integer(const char* key, const Poco::Dynamic::Var& v, int& into) {
        if (!v.isInteger()) return wrong(key, "must be an integer"), false;
        const auto wide = v.convert<std::int64_t>();
        if (wide < -1'000'000 || wide > 1'000'000) return wrong(key, "is out of range"), false;
        into = static_cast<int>(wide);
        return true;
    }
    bool boolean(const char* key, const Poco::Dynamic::Var& v, bool& into) {
        if (!v.isBoolean()) return wrong(key, "must be true or false"), false;
        into = v.extract<bool>();
        return true;
    }
    void wrong(const char* key, const char* detail) { problems_.push_back({base_ + "/" + key, detail}); }

    const Object& o_;
    std::string base_;
    Problems& problems_;
};

// Writes fields into a JSON object; absent optionals and empty optional lists are left out.
class Writer {
public:
    explicit Writer(Object& object) : o_(object) {}
    void operator()(const char* key, const std::string& value) { o_.set(key, value); }
    void operator()(const char* key, const Day& value) { o_.set(key, routeboek::format_day(value)); }
    void operator()(const char* key, int value) { o_.set(key, value); }
    void operator()(const char* key, bool value) { o_.set(key, value); }
    void operator()(const char* key, double value) { o_.set(key, value); }
    template <typename T>
    void operator()(const char* key, const std::optional<T>& value) {
        if (value) (*this)(key, *value);
    }
    void operator()(const char* key, const std::vector<std::string>& values) {
        if (values.empty()) return;
        Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
        for (const std::string& v : values) array->add(v);
        o_.set(key, array);
    }
    void count(const char* key, int value) { o_.set(key, value); }

private:
    Object& o_;
};

template <std::size_t... I>
SignalData empty_data(std::size_t index, std::index_sequence<I...>) {
    SignalData out;
    (void)((index == I ? (out.template emplace<I>(), true) : false) || ...);
    return out;
}

Result<Signal> decode(const Object& o, bool check_rules) {
    Problems problems;
    const auto type_var = o.has("type") ? o.get("type") : Poco::Dynamic::Var();
    const auto type = type_var.isString() ? parse_signal_type(type_var.extract<std::string>()) : std::nullopt;
    if (!type) return Problem{"/type", "is not a known signal type"};
    Signal signal{
        {}, std::nullopt, empty_data(static_cast<std::size_t>(*type), std::make_index_sequence<signal_type_count>{})};
    Reader top(o, "", problems);
    top("occurred_at", signal.occurred_at);
    if (o.has("school")) {
        const auto school = o.getObject("school");
        if (!school) {
            problems.push_back({"/school", "must be an object"});
        } else {
            SchoolRef ref;
            Reader r(*school, "/school", problems);
            r("brin", ref.brin);
            r("gemeentecode", ref.gemeentecode);
            r("vestiging", ref.vestiging);
            signal.school = std::move(ref);
        }
    }
    const auto data = o.getObject("data");
    if (!data) {
        problems.push_back({"/data", "must be an object"});
    } else {
        Reader r(*data, "/data", problems);
        std::visit([&](auto& payload) { fields(r, payload); }, signal.data);
    }
    if (problems.empty() && check_rules) problems = check(signal);
    if (!problems.empty()) return problems;
    return signal;
}

}  // namespace

Result<Signal> from_request(const Poco::JSON::Object& request) { return decode(request, true); }

Result<Signal> from_envelope(const Poco::JSON::Object& envelope) { return decode(envelope, false); }

Result<Signal> from_envelope(std::string_view text) {
    Object::Ptr envelope;
    try {
        Poco::JSON::Parser parser;
        envelope = parser.parse(std::string(text)).extract<Object::Ptr>();
    } catch (const Poco::Exception&) {
        return Problem{"", "the stored envelope is not a JSON object"};
    }
    if (!envelope) return Problem{"", "the stored envelope is not a JSON object"};
    return from_envelope(*envelope);
}

Poco::JSON::Object::Ptr to_envelope(const Signal& signal) {
    Object::Ptr envelope = new Object;
    envelope->set("type", std::string(to_string(signal.type())));
    envelope->set("occurred_at", signal.occurred_at);
    if (signal.school) {
        Object::Ptr school = new Object;
        Writer w(*school);
        w("brin", signal.school->brin);
        w("gemeentecode", signal.school->gemeentecode);
        w("vestiging", signal.school->vestiging);
        envelope->set("school", school);
    }
    Object::Ptr data = new Object;
    Writer w(*data);
    SignalData copy = signal.data;  // the field lists take the payload by reference
    std::visit([&](auto& payload) { fields(w, payload); }, copy);
    envelope->set("data", data);
    return envelope;
}

std::string to_envelope_text(const Signal& signal) {
    std::ostringstream out;
    to_envelope(signal)->stringify(out);
    return out.str();
}

}  // namespace eenplan::signal_json
