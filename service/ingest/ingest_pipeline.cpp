#include "ingest/ingest_pipeline.hpp"

#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/signal.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

std::string new_uuid() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string to_json(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

// The subject as sent: a person number checked with the 11-proef, or a polymorphic ciphertext
// whose points are checked to lie on the curve. The schema allows exactly one key.
Result<Subject> read_subject(const Poco::JSON::Object& subject) {
    for (const PersonNumberKind kind : {PersonNumberKind::bsn, PersonNumberKind::onderwijsnummer}) {
        const std::string key(to_string(kind));
        if (subject.has(key)) {
            auto number = PersonNumber::parse(kind, subject.getValue<std::string>(key), "/subject/" + key);
            if (!number) return number.problems();
            return Subject(std::move(number).value());
        }
    }
    if (subject.has("polymorphic")) {
        auto ciphertext = PolymorphicCiphertext::parse(subject.getValue<std::string>("polymorphic"),
                                                       "/subject/polymorphic");
        if (!ciphertext) return ciphertext.problems();
        return Subject(std::move(ciphertext).value());
    }
    return Problem{"/subject", "must hold a bsn, an onderwijsnummer or a polymorphic identity"};
}

}  // namespace

IngestPipeline::IngestPipeline(const Config& config, SignalStore& store,
                               const HubPseudonymiser& pseudonymiser)
    : config_(config), store_(store), pseudonymiser_(pseudonymiser) {}

const SourceConfig* IngestPipeline::find_source(std::string_view id) const {
    for (const SourceConfig& source : config_.sources) {
        if (source.id == id) return &source;
    }
    return nullptr;
}

IngestOutcome IngestPipeline::ingest(const IngestRequest& request) const {
    const SourceConfig* source = find_source(request.source_id);
    if (!source) return {IngestStatus::unknown_source, {}, "no source with this id is configured", {}, {}};

    const auto verification = webhooks::verify(source->secrets, request.headers, request.body,
                                               request.now_us / 1'000'000,
                                               config_.ingest.timestamp_tolerance_seconds);
    if (!verification.accepted) {
        return {IngestStatus::unauthorised, {}, std::string(webhooks::describe(verification.rejection)), {}, {}};
    }

    const std::string webhook_id(request.headers.id);
    if (auto ids = store_.find(source->id, webhook_id)) {
        return {IngestStatus::duplicate, std::move(ids), "this webhook-id was received before", {}, {}};
    }

    Poco::Dynamic::Var document;
    try {
        Poco::JSON::Parser parser;
        document = parser.parse(std::string(request.body));
    } catch (const Poco::Exception&) {
        // The parser's message may quote the body; say only that it is not JSON.
        return {IngestStatus::malformed, {}, "the body is not valid JSON", {}, {}};
    }

    Problems problems = JsonSchema::embedded("signals/signal.schema.json").validate(document);
    if (!problems.empty()) {
        return {IngestStatus::invalid, {}, "the signal does not match its schema", std::move(problems), {}};
    }

    const auto signal = document.extract<Poco::JSON::Object::Ptr>();
    const auto subject = read_subject(*signal->getObject("subject"));
    if (!subject) return {IngestStatus::invalid, {}, "the subject is not a valid identity", subject.problems(), {}};
    const auto pseudonym = pseudonymiser_.pseudonymise(subject.value());
    if (!pseudonym) return {IngestStatus::invalid, {}, "the subject cannot be pseudonymised", pseudonym.problems(), {}};

    const auto data = signal->getObject("data");
    const auto type = signal->getValue<std::string>("type");
    if (parse_signal_type(type) == SignalType::absence_reported) {
        std::optional<std::string> to;
        if (data->has("to")) to = data->getValue<std::string>("to");
        problems = check_absence_period(data->getValue<std::string>("from"), to);
        if (!problems.empty()) return {IngestStatus::invalid, {}, "the absence period is not valid", std::move(problems), {}};
    }

    NewSignal row;
    row.source_id = source->id;
    row.webhook_id = webhook_id;
    row.ids = {new_uuid(), new_uuid()};
    row.type = type;
    row.occurred_at = signal->getValue<std::string>("occurred_at");
    row.received_at_us = request.now_us;
    row.subject_kind = pseudonym->kind;
    row.subject_pseudonym = pseudonym->pseudonym;

    // What is stored is the canonical envelope without its subject: the pupil is only in the
    // subject_pseudonym column, so re-pseudonymisation rewrites one column and no JSON.
    Poco::JSON::Object::Ptr stored = new Poco::JSON::Object;
    stored->set("type", type);
    stored->set("occurred_at", row.occurred_at);
    if (const auto school = signal->getObject("school")) {
        row.school_brin = school->getValue<std::string>("brin");
        row.school_gemeentecode = school->getValue<std::string>("gemeentecode");
        stored->set("school", school);
    }
    stored->set("data", data);
    row.envelope = to_json(stored);

    auto outcome = store_.insert(row);
    return {outcome.inserted ? IngestStatus::accepted : IngestStatus::duplicate, std::move(outcome.ids),
            {}, {}, type};
}

}  // namespace eenplan::service
