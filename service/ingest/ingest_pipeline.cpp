#include "ingest/ingest_pipeline.hpp"
#include "store/signal_store.hpp"

#include <sstream>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/UUIDGenerator.h>

#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/record/pupil_linking.hpp"
#include "eenplan/core/signal.hpp"
#include "ingest/subject_reader.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

std::string new_uuid() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

std::string to_json(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

// How the subject arrived, for the subject_kind column: its identifier kinds joined by "+", or
// "attributes" or "household" when it carried no identifier.
std::string subject_kind(const RecordInput& input) {
    if (input.household) return "household";
    std::string kinds;
    for (const HubPseudonym& id : input.identifiers) kinds += (kinds.empty() ? "" : "+") + id.kind;
    return kinds.empty() ? "attributes" : kinds;
}

// The pseudonym kept in the signals row: that of the strongest identifier, empty without one.
std::string primary_pseudonym(const RecordInput& input) {
    const HubPseudonym* best = nullptr;
    for (const HubPseudonym& id : input.identifiers) {
        if (!best || record::identifier_rank(id.kind) < record::identifier_rank(best->kind)) best = &id;
    }
    return best ? best->pseudonym : std::string();
}

}  // namespace

IngestPipeline::IngestPipeline(const Config& config, SignalStore& store, const HubPseudonymiser& pseudonymiser,
                               RecordKeeper& records, const linkage::RecordEncoder* encoder)
    : config_(config), store_(store), pseudonymiser_(pseudonymiser), records_(records), encoder_(encoder) {}

Result<std::vector<HubPseudonym>> IngestPipeline::pseudonymise_identities(const Poco::JSON::Object& subject,
                                                                          const std::string& pointer) const {
    auto identities = read_identities(subject, pointer);
    if (!identities) return identities.problems();
    std::vector<HubPseudonym> out;
    Problems problems;
    for (const Subject& identity : identities.value()) {
        auto pseudonym = pseudonymiser_.pseudonymise(identity);
        if (pseudonym) {
            out.push_back(std::move(pseudonym).value());
            continue;
        }
        for (Problem p : pseudonym.problems()) {
            // The pseudonymiser names the field as if it were the signal's subject.
            if (p.pointer.starts_with("/subject")) p.pointer = pointer + p.pointer.substr(8);
            problems.push_back(std::move(p));
        }
    }
    if (!problems.empty()) return problems;
    return out;
}

Result<RecordInput> IngestPipeline::record_input(const Poco::JSON::Object& signal, const std::string& type) const {
    RecordInput input;
    Problems problems;
    const auto data = signal.getObject("data");
    if (const auto subject = signal.getObject("subject")) {
        auto identifiers = pseudonymise_identities(*subject, "/subject");
        if (identifiers) {
            input.identifiers = std::move(identifiers).value();
        } else {
            problems = identifiers.problems();
        }
        if (auto attributes = read_attributes(*subject)) {
            if (encoder_ == nullptr) {
                problems.push_back({"/subject/attributes", "this hub is not configured for linkage on attributes"});
            } else {
                input.encoding = SubjectEncoding{encoder_->encode(*attributes), encoder_->key_version()};
            }
            wipe(*attributes);  // encoded; the attributes themselves are never stored
        }
    }
    if (type == "household.composition") {
        Household household;
        household.gemeentecode = data->getValue<std::string>("gemeentecode");
        household.from_date = signal.getValue<std::string>("occurred_at").substr(0, 10);
        const auto members = data->getArray("members");
        for (std::size_t i = 0; i < members->size(); ++i) {
            const auto member = members->getObject(static_cast<unsigned>(i));
            const std::string pointer = "/data/members/" + std::to_string(i) + "/subject";
            auto identifiers = pseudonymise_identities(*member->getObject("subject"), pointer);
            if (!identifiers) {
                problems.insert(problems.end(), identifiers.problems().begin(), identifiers.problems().end());
                continue;
            }
            household.members.push_back({member->getValue<std::string>("role"), std::move(identifiers).value()});
        }
        input.household = std::move(household);
    } else if (type == "person.moved") {
        input.move = Move{data->getValue<std::string>("gemeentecode"), data->getValue<std::string>("date")};
        if (problems.empty() && input.identifiers.empty()) {
            problems.push_back({"/subject", "a move needs an identifier of the person who moved"});
        }
    }
    if (!problems.empty()) return problems;
    return input;
}

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
    if (!verification.accepted && !request.authenticated_by_adapter) {
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
    const auto data = signal->getObject("data");
    const auto type = signal->getValue<std::string>("type");
    const auto input = record_input(*signal, type);
    if (!input) return {IngestStatus::invalid, {}, "the subject is not a valid identity", input.problems(), {}};
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
    row.subject_kind = subject_kind(input.value());
    row.subject_pseudonym = primary_pseudonym(input.value());

    // What is stored is the canonical envelope without its subject: the pupil is only in the
    // subject_pseudonym column and the record tables, so re-pseudonymisation rewrites columns and
    // no JSON. A household's members are pseudonyms in family_parents and pupil_identifiers, so
    // its stored data keeps only the municipality.
    Poco::JSON::Object::Ptr stored = new Poco::JSON::Object;
    stored->set("type", type);
    stored->set("occurred_at", row.occurred_at);
    if (const auto school = signal->getObject("school")) {
        row.school_brin = school->getValue<std::string>("brin");
        row.school_gemeentecode = school->getValue<std::string>("gemeentecode");
        stored->set("school", school);
    }
    if (input->household) {
        Poco::JSON::Object::Ptr household = new Poco::JSON::Object;
        household->set("gemeentecode", input->household->gemeentecode);
        household->set("members", static_cast<int>(input->household->members.size()));
        stored->set("data", household);
    } else {
        stored->set("data", data);
    }
    row.envelope = to_json(stored);

    auto outcome = records_.record(row, input.value(), request.now_us);
    return {outcome.inserted ? IngestStatus::accepted : IngestStatus::duplicate, std::move(outcome.ids),
            {}, {}, type};
}

}  // namespace eenplan::service
