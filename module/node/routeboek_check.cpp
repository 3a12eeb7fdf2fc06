// The routeboek engine for JavaScript: a region tries a (changed) routeboek on test cases in a
// flow, with the same code the hub's plan worker runs.
//   yamlDocument(text)                  → {document} | {problems}: yaml-cpp's reading of the text as a
//                                          JavaScript value, for the schema check (ajv, in
//                                          nodes/lib/routeboek.js); repeated keys are problems
//   new RouteboekCheck(routeboek, calendar?)  the typed routeboek (eenplan::readers); throws an
//                                          Error with .problems when the readers refuse it
//   check.run({today, woongemeente?, signals}) → {decisions, plan}; throws with .problems (JSON
//                                          pointers into the scenario) when a signal cannot be read
// The texts are read here, not in JavaScript, so the document the schema checked is the one the
// readers read: the same yaml-cpp, the same scalar and repeated-key rules as the service
// (eenplan/readers/yaml_document.hpp).
#include "routeboek_check.hpp"

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "eenplan/core/routeboek/engine.hpp"
#include "eenplan/core/signal_fields.hpp"
#include "eenplan/readers/routeboek_reader.hpp"
#include "eenplan/readers/school_calendar_reader.hpp"
#include "eenplan/readers/yaml_document.hpp"
#include "napi_helpers.hpp"

namespace eenplan::node {
namespace {

using namespace eenplan::routeboek;

// ---- YAML text → JavaScript value, as the service converts it for valijson ----

Napi::Value yaml_to_js(Napi::Env env, const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Map: {
            Napi::Object object = Napi::Object::New(env);
            for (const auto& entry : node) object.Set(readers::key_text(entry.first), yaml_to_js(env, entry.second));
            return object;
        }
        case YAML::NodeType::Sequence: {
            Napi::Array array = Napi::Array::New(env, node.size());
            std::uint32_t i = 0;
            for (const auto& item : node) array.Set(i++, yaml_to_js(env, item));
            return array;
        }
        case YAML::NodeType::Scalar:
            return std::visit(
                [&](const auto& value) -> Napi::Value {
                    using T = std::decay_t<decltype(value)>;
                    if constexpr (std::is_same_v<T, std::monostate>) {
                        return env.Null();
                    } else if constexpr (std::is_same_v<T, bool>) {
                        return Napi::Boolean::New(env, value);
                    } else if constexpr (std::is_same_v<T, std::string>) {
                        return Napi::String::New(env, value);
                    } else {
                        return Napi::Number::New(env, static_cast<double>(value));
                    }
                },
                readers::scalar_value(node));
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined: return env.Null();
    }
    return env.Null();
}

Napi::Value yaml_document(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto root = readers::parse_yaml(string_arg(info, 0, "text"));
    Napi::Object out = Napi::Object::New(env);
    if (!root) {
        out.Set("problems", to_js(env, root.problems()));
    } else {
        out.Set("document", yaml_to_js(env, root.value()));
    }
    return out;
}

// ---- JavaScript signal objects → the core's typed Signal ----

// Reads the fields of one object by the core's field lists (eenplan/core/signal_fields.hpp), as
// the service's codec does; every missing or mistyped one becomes a problem at its pointer.
class Reader {
public:
    Reader(Napi::Object object, std::string base, Problems& problems)
        : o_(object), base_(std::move(base)), problems_(problems) {}

    template <typename T>
    void operator()(const char* key, T& into) {
        if (!has(key)) return wrong(key, "is required");
        read(key, o_.Get(key), into);
    }
    template <typename T>
    void operator()(const char* key, std::optional<T>& into) {
        if (!has(key)) return;
        T value{};
        if (read(key, o_.Get(key), value)) into = std::move(value);
    }
    void operator()(const char* key, std::vector<std::string>& into) {
        if (!has(key)) return;
        const Napi::Value value = o_.Get(key);
        if (!value.IsArray()) return wrong(key, "must be an array of strings");
        const auto array = value.As<Napi::Array>();
        for (std::uint32_t i = 0; i < array.Length(); ++i) {
            const Napi::Value item = array.Get(i);
            if (!item.IsString()) return wrong(key, "must be an array of strings");
            into.push_back(item.As<Napi::String>().Utf8Value());
        }
    }
    void count(const char* key, int& into) {
        if (!has(key)) return wrong(key, "is required");
        const Napi::Value value = o_.Get(key);
        if (value.IsArray()) {
            into = static_cast<int>(value.As<Napi::Array>().Length());
            return;
        }
        read(key, value, into);
    }

private:
    bool has(const char* key) const {
        return o_.HasOwnProperty(key) && !o_.Get(key).IsUndefined() && !o_.Get(key).IsNull();
    }
    bool read(const char* key, const Napi::Value& v, std::string& into) {
        if (!v.IsString()) return wrong(key, "must be a string"), false;
        into = v.As<Napi::String>().Utf8Value();
        return true;
    }
    bool read(const char* key, const Napi::Value& v, Day& into) {
        std::string text;
        if (!v.IsString() || (text = v.As<Napi::String>().Utf8Value()).size() != 10)
            return wrong(key, "must be a date"), false;
        const auto parsed = parse_day(text);
        if (!parsed) return wrong(key, "must be a date"), false;
        into = *parsed;
        return true;
    }
    bool read(const char* key, const Napi::Value& v, int& into) {
        if (!v.IsNumber()) return wrong(key, "must be an integer"), false;
        const double number = v.As<Napi::Number>().DoubleValue();
        if (!std::isfinite(number) || std::floor(number) != number) return wrong(key, "must be an integer"), false;
        if (number < -1'000'000 || number > 1'000'000) return wrong(key, "is out of range"), false;
        into = static_cast<int>(number);
        return true;
    }
    bool read(const char* key, const Napi::Value& v, bool& into) {
        if (!v.IsBoolean()) return wrong(key, "must be true or false"), false;
        into = v.As<Napi::Boolean>().Value();
        return true;
    }
    bool read(const char* key, const Napi::Value& v, double& into) {
        if (!v.IsNumber() || !std::isfinite(v.As<Napi::Number>().DoubleValue()))
            return wrong(key, "must be a number"), false;
        into = v.As<Napi::Number>().DoubleValue();
        return true;
    }
    void wrong(const char* key, const char* detail) { problems_.push_back({base_ + "/" + key, detail}); }

    Napi::Object o_;
    std::string base_;
    Problems& problems_;
};

Problems prefixed(const Problems& problems, const std::string& base) {
    Problems out;
    for (const Problem& p : problems) out.push_back({base + p.pointer, p.detail});
    return out;
}

// One signal of a scenario: the envelope as the signal schema has it (the subject is not read:
// a test case is about nobody), plus `pupil`, a label of the child within the test case.
struct ScenarioSignal {
    std::size_t index = 0;
    SignalEvent event;
};

Result<ScenarioSignal> read_signal(const Napi::Value& value, std::size_t index) {
    const std::string base = "/signals/" + std::to_string(index);
    if (!value.IsObject() || value.IsArray()) return Problem{base, "must be an object"};
    const auto o = value.As<Napi::Object>();
    const Napi::Value type_value = o.Get("type");
    const auto type =
        type_value.IsString() ? parse_signal_type(type_value.As<Napi::String>().Utf8Value()) : std::nullopt;
    if (!type) return Problem{base + "/type", "is not a known signal type"};
    Problems problems;
    Signal signal{{}, std::nullopt, signal_fields::empty_data(*type)};
    std::string pupil = "pupil-1";
    Reader top(o, base, problems);
    top("occurred_at", signal.occurred_at);
    std::optional<std::string> label;
    top("pupil", label);
    if (label) pupil = *label;
    const Napi::Value school = o.Get("school");
    if (school.IsObject() && !school.IsArray()) {
        SchoolRef ref;
        Reader r(school.As<Napi::Object>(), base + "/school", problems);
        r("brin", ref.brin);
        r("gemeentecode", ref.gemeentecode);
        r("vestiging", ref.vestiging);
        signal.school = std::move(ref);
    } else if (!school.IsUndefined() && !school.IsNull()) {
        problems.push_back({base + "/school", "must be an object"});
    }
    const Napi::Value data = o.Get("data");
    if (!data.IsObject() || data.IsArray()) {
        problems.push_back({base + "/data", "must be an object"});
    } else {
        Reader r(data.As<Napi::Object>(), base + "/data", problems);
        std::visit([&](auto& payload) { signal_fields::fields(r, payload); }, signal.data);
    }
    if (problems.empty()) problems = prefixed(check(signal), base);
    if (!problems.empty()) return problems;
    const auto on = signal.occurred_on();
    if (!on) return Problem{base + "/occurred_at", "is not a date-time"};
    return ScenarioSignal{index,
                          SignalEvent{"scenario-signal-" + std::to_string(index), pupil, *on, std::move(signal)}};
}

// ---- decisions and the plan → JavaScript ----

void set_if(Napi::Object& o, const char* key, const std::string& value) {
    if (!value.empty()) o.Set(key, value);
}

// ---- the check ----

constexpr std::size_t max_signals = 10'000;
constexpr int max_days = 3'660;  // ten years of daily ticks

class RouteboekCheckWrap : public Napi::ObjectWrap<RouteboekCheckWrap> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(
            env, "RouteboekCheck",
            {InstanceMethod<&RouteboekCheckWrap::run>("run"), InstanceAccessor<&RouteboekCheckWrap::id>("id"),
             InstanceAccessor<&RouteboekCheckWrap::version>("version"),
             InstanceAccessor<&RouteboekCheckWrap::name>("name"),
             InstanceAccessor<&RouteboekCheckWrap::has_calendar>("hasCalendar")});
    }

    explicit RouteboekCheckWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RouteboekCheckWrap>(info) {
        Napi::Env env = info.Env();
        auto routeboek_root = readers::parse_yaml(string_arg(info, 0, "routeboek"));
        if (!routeboek_root) refuse(env, "routeboek", routeboek_root.problems());
        auto routeboek = readers::read_routeboek(routeboek_root.value());
        if (!routeboek) refuse(env, "routeboek", routeboek.problems());
        routeboek_ = std::make_unique<Routeboek>(std::move(routeboek).value());
        if (info.Length() > 1 && !info[1].IsUndefined() && !info[1].IsNull()) {
            auto calendar_root = readers::parse_yaml(string_arg(info, 1, "calendar"));
            if (!calendar_root) refuse(env, "calendar", calendar_root.problems());
            auto calendar = readers::read_school_calendar(calendar_root.value());
            if (!calendar) refuse(env, "calendar", calendar.problems());
            calendar_ = std::make_unique<SchoolCalendar>(std::move(calendar).value());
        }
    }

private:
    [[noreturn]] static void refuse(Napi::Env env, const char* document, const Problems& problems) {
        Napi::Array list = to_js(env, problems);
        for (std::uint32_t i = 0; i < list.Length(); ++i) list.Get(i).As<Napi::Object>().Set("document", document);
        const Problem& first = problems.front();
        Napi::Error error = Napi::Error::New(
            env, std::string("the ") + document +
                     " is not usable: " + (first.pointer.empty() ? "" : first.pointer + " ") + first.detail);
        error.Set("problems", list);
        throw error;
    }

    [[noreturn]] static void scenario_error(Napi::Env env, const Problems& problems) {
        Napi::Array list = to_js(env, problems);
        for (std::uint32_t i = 0; i < list.Length(); ++i) list.Get(i).As<Napi::Object>().Set("document", "scenario");
        Napi::Error error = Napi::Error::New(
            env, "the scenario cannot be run: " + problems.front().pointer + " " + problems.front().detail);
        error.Set("problems", list);
        throw error;
    }

    Napi::Object task_js(Napi::Env env, const Task& task) const {
        Napi::Object o = Napi::Object::New(env);
        o.Set("id", task.id);
        o.Set("type", task.type);
        o.Set("title", task.title);
        o.Set("recipient", task.recipient);
        if (task.recipient.starts_with("school:")) {
            o.Set("recipientKind", "school");
        } else if (const Organisation* org = routeboek_->organisation(task.recipient)) {
            o.Set("recipientKind", org->kind);
            o.Set("recipientName", org->name);
        }
        set_if(o, "pupil", task.pupil);
        set_if(o, "table", task.table);
        o.Set("rule", task.rule);
        o.Set("created", format_day(task.created));
        o.Set("due", format_day(task.due));
        return o;
    }

    Napi::Object decision_js(Napi::Env env, const Decision& d, Day on, std::optional<std::size_t> signal) const {
        Napi::Object o = Napi::Object::New(env);
        o.Set("on", format_day(on));
        o.Set("kind", std::string(to_string(d.kind)));
        o.Set("rule", d.rule);
        o.Set("reason", d.reason);
        set_if(o, "table", d.table);
        if (d.task) o.Set("task", task_js(env, *d.task));
        set_if(o, "previousRecipient", d.previous_recipient);
        if (signal) o.Set("signal", static_cast<double>(*signal));
        return o;
    }

    Napi::Object plan_js(Napi::Env env, const PlanState& plan, const Engine& engine, Day today) const {
        Napi::Object o = Napi::Object::New(env);
        o.Set("woongemeente", plan.woongemeente);
        o.Set("escalated", plan.escalated_since.has_value());
        if (plan.escalated_since) o.Set("escalatedSince", format_day(*plan.escalated_since));
        if (plan.first_worrying) o.Set("firstWorrying", format_day(*plan.first_worrying));
        o.Set("ladderPosition", plan.ladder_position);
        set_if(o, "table", plan.table);
        set_if(o, "casusregisseur", plan.casusregisseur);
        Napi::Array open = Napi::Array::New(env, plan.open_tasks.size());
        for (std::size_t i = 0; i < plan.open_tasks.size(); ++i)
            open.Set(static_cast<std::uint32_t>(i), task_js(env, plan.open_tasks[i]));
        o.Set("openTasks", open);
        Napi::Array timeline = Napi::Array::New(env, plan.timeline.size());
        for (std::size_t i = 0; i < plan.timeline.size(); ++i) {
            const TimelineEntry& e = plan.timeline[i];
            Napi::Object entry = Napi::Object::New(env);
            entry.Set("at", format_day(e.at));
            entry.Set("kind", e.kind);
            entry.Set("rule", e.rule);
            entry.Set("reason", e.reason);
            set_if(entry, "ref", e.ref);
            timeline.Set(static_cast<std::uint32_t>(i), entry);
        }
        o.Set("timeline", timeline);
        if (const auto next = engine.next_check(plan, today)) o.Set("nextCheck", format_day(*next));
        return o;
    }

    // run({today, woongemeente?, signals: [...]}): the signals in date order (a day's in the order
    // given), each applied on its own day, and a clock tick at the end of every day from the first
    // signal's day up to `today`, as the plan worker's durable schedule would.
    Napi::Value run(const Napi::CallbackInfo& info) {
        Napi::Env env = info.Env();
        if (info.Length() < 1 || !info[0].IsObject() || info[0].IsArray())
            throw Napi::TypeError::New(env, "scenario must be an object");
        const auto scenario = info[0].As<Napi::Object>();
        Problems problems;
        const Napi::Value today_value = scenario.Get("today");
        std::optional<Day> today;
        if (today_value.IsString()) today = parse_day(today_value.As<Napi::String>().Utf8Value());
        if (!today) problems.push_back({"/today", "must be a date YYYY-MM-DD"});
        std::string woongemeente;
        if (const Napi::Value w = scenario.Get("woongemeente"); w.IsString()) {
            woongemeente = w.As<Napi::String>().Utf8Value();
        } else if (!w.IsUndefined() && !w.IsNull()) {
            problems.push_back({"/woongemeente", "must be a string"});
        }
        const Napi::Value list = scenario.Get("signals");
        std::vector<ScenarioSignal> signals;
        if (!list.IsArray()) {
            problems.push_back({"/signals", "must be an array"});
        } else if (list.As<Napi::Array>().Length() > max_signals) {
            problems.push_back({"/signals", "has more than " + std::to_string(max_signals) + " signals"});
        } else {
            const auto array = list.As<Napi::Array>();
            for (std::uint32_t i = 0; i < array.Length(); ++i) {
                auto signal = read_signal(array.Get(i), i);
                if (!signal) {
                    problems.insert(problems.end(), signal.problems().begin(), signal.problems().end());
                } else if (today && signal->event.on > *today) {
                    problems.push_back(
                        {"/signals/" + std::to_string(i) + "/occurred_at", "lies after the scenario's today"});
                } else {
                    signals.push_back(std::move(signal).value());
                }
            }
        }
        if (!problems.empty()) scenario_error(env, problems);
        std::stable_sort(signals.begin(), signals.end(),
                         [](const ScenarioSignal& a, const ScenarioSignal& b) { return a.event.on < b.event.on; });
        const Day first = signals.empty() ? *today : signals.front().event.on;
        if (days_between(first, *today) > max_days) {
            scenario_error(env,
                           {{"/today", "lies more than " + std::to_string(max_days) + " days after the first signal"}});
        }

        const Engine engine(*routeboek_, calendar_.get());
        PlanState plan;
        plan.family_id = "scenario";
        plan.woongemeente = woongemeente;
        Napi::Array decisions = Napi::Array::New(env);
        std::uint32_t count = 0;
        auto record = [&](const std::vector<Decision>& made, Day on, std::optional<std::size_t> signal) {
            for (const Decision& d : made) decisions.Set(count++, decision_js(env, d, on, signal));
        };
        auto next = signals.begin();
        for (Day day = first; day <= *today; day = add_days(day, 1)) {
            for (; next != signals.end() && next->event.on == day; ++next) {
                // As refresh_residence in the plan worker: without a known woongemeente, the
                // school's municipality is assumed.
                if (plan.woongemeente.empty() && next->event.signal.school) {
                    plan.woongemeente = next->event.signal.school->gemeentecode;
                    plan.timeline.push_back({day, "signal", routeboek_->id + "/grensverkeer/woongemeente",
                                             "woongemeente not yet known; the school's municipality is assumed",
                                             plan.woongemeente});
                }
                auto made = engine.apply(plan, next->event, day);
                if (!made) scenario_error(env, prefixed(made.problems(), "/signals/" + std::to_string(next->index)));
                record(made.value(), day, next->index);
            }
            auto made = engine.apply(plan, TickEvent{day}, day);
            if (!made) scenario_error(env, made.problems());
            record(made.value(), day, std::nullopt);
        }
        Napi::Object out = Napi::Object::New(env);
        out.Set("routeboek", routeboek_->id + " " + routeboek_->version);
        out.Set("today", format_day(*today));
        out.Set("decisions", decisions);
        out.Set("plan", plan_js(env, plan, engine, *today));
        return out;
    }

    Napi::Value id(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), routeboek_->id); }
    Napi::Value version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), routeboek_->version); }
    Napi::Value name(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), routeboek_->name); }
    Napi::Value has_calendar(const Napi::CallbackInfo& info) {
        return Napi::Boolean::New(info.Env(), calendar_ != nullptr);
    }

    // Owned here so that the engine's references stay valid for as long as this object lives.
    std::unique_ptr<Routeboek> routeboek_;
    std::unique_ptr<SchoolCalendar> calendar_;
};

}  // namespace

void register_routeboek_check(Napi::Env env, Napi::Object exports) {
    exports.Set("yamlDocument", Napi::Function::New<yaml_document>(env, "yamlDocument"));
    exports.Set("RouteboekCheck", RouteboekCheckWrap::define(env));
}

}  // namespace eenplan::node
