#include "ingest/ingest_pipeline.hpp"

#include "common/ids.hpp"
#include "store/signal_store.hpp"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "eenplan/core/json_bounds.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/policy/source_grant.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "eenplan/core/record/pupil_linking.hpp"
#include "codec/signal_json.hpp"
#include "eenplan/core/signal.hpp"
#include "ingest/subject_reader.hpp"
#include "validation/json_schema.hpp"

namespace eenplan::service {
namespace {

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

IngestPipeline::IngestPipeline(SignalStore& store, const HubPseudonymiser& pseudonymiser, RecordKeeper& records,
                               const linkage::RecordEncoder* encoder, const SignalStoredPublisher& events,
                               std::size_t batch_writers)
    : store_(store),
      pseudonymiser_(pseudonymiser),
      writer_(records, BatchWriter::writers_for(records.backend(), batch_writers)),
      encoder_(encoder),
      events_(events) {}

namespace {

// The identities of one subject of a request (the signal's, or a household member's), read before
// any is pseudonymised so that every identity of the request goes to the pseudonymiser at once.
struct IdentityGroup {
    std::string pointer;  // "/subject" or "/data/members/<i>/subject"
    std::vector<Subject> identities;
    std::vector<HubPseudonym> pseudonyms;
};

}  // namespace

Result<RecordInput> IngestPipeline::record_input(const Poco::JSON::Object& request, const Signal& signal) const {
    RecordInput input;
    Problems problems;
    std::vector<IdentityGroup> groups;
    const auto read_group = [&](const Poco::JSON::Object& subject, const std::string& pointer) {
        auto identities = read_identities(subject, pointer);
        if (!identities) {
            problems.insert(problems.end(), identities.problems().begin(), identities.problems().end());
            groups.push_back({pointer, {}, {}});
        } else {
            groups.push_back({pointer, std::move(identities).value(), {}});
        }
    };
    const auto subject = request.getObject("subject");
    if (subject) read_group(*subject, "/subject");
    const auto* composition = std::get_if<HouseholdComposition>(&signal.data);
    Poco::JSON::Array::Ptr members;
    if (composition) {
        members = request.getObject("data")->getArray("members");
        for (std::size_t i = 0; i < members->size(); ++i) {
            read_group(*members->getObject(static_cast<unsigned>(i))->getObject("subject"),
                       "/data/members/" + std::to_string(i) + "/subject");
        }
    }
    // One call for the whole request: with a key server, one round trip (it may throw
    // KeyServerUnavailable, before anything is stored).
    std::vector<Subject> all;
    for (const IdentityGroup& group : groups) all.insert(all.end(), group.identities.begin(), group.identities.end());
    if (problems.empty() && !all.empty()) {
        auto results = pseudonymiser_.pseudonymise_all(all);
        std::size_t next = 0;
        for (IdentityGroup& group : groups) {
            for (std::size_t k = 0; k < group.identities.size(); ++k, ++next) {
                if (results[next]) {
                    group.pseudonyms.push_back(std::move(results[next]).value());
                    continue;
                }
                for (Problem p : results[next].problems()) {
                    // The pseudonymiser names the field as if it were the signal's subject.
                    if (p.pointer.starts_with("/subject")) p.pointer = group.pointer + p.pointer.substr(8);
                    problems.push_back(std::move(p));
                }
            }
        }
    }
    std::size_t group = 0;
    if (subject) {
        input.identifiers = std::move(groups[group++].pseudonyms);
        if (auto attributes = read_attributes(*subject)) {
            if (encoder_ == nullptr) {
                problems.push_back({"/subject/attributes", "this hub is not configured for linkage on attributes"});
            } else {
                input.encoding = SubjectEncoding{encoder_->encode(*attributes), encoder_->key_version()};
            }
            wipe(*attributes);  // encoded; the attributes themselves are never stored
        }
    }
    if (composition) {
        Household household;
        household.gemeentecode = composition->gemeentecode;
        household.from_date = signal.occurred_at.substr(0, 10);
        for (std::size_t i = 0; i < members->size(); ++i) {
            const auto member = members->getObject(static_cast<unsigned>(i));
            household.members.push_back({member->getValue<std::string>("role"), std::move(groups[group++].pseudonyms)});
        }
        input.household = std::move(household);
    } else if (const auto* move = std::get_if<PersonMoved>(&signal.data)) {
        input.move = Move{move->gemeentecode, routeboek::format_day(move->date)};
        if (problems.empty() && input.identifiers.empty()) {
            problems.push_back({"/subject", "a move needs an identifier of the person who moved"});
        }
    }
    if (!problems.empty()) return problems;
    return input;
}

// A webhook-id stored before is acknowledged as a duplicate whatever its body now holds. The
// batch that stores a signal finds a stored one (record_batch, with the other signals of the batch,
// in the same query), so an accepted signal costs no lookup of its own; a refused one is looked up
// here, so that a resend of a stored signal is still answered as a duplicate.
IngestOutcome IngestPipeline::refused_unless_stored(const AuthenticatedSource& source,
                                                    const std::string& idempotency_key, IngestOutcome refused) const {
    if (auto ids = store_.find(source.id(), idempotency_key)) {
        return {IngestStatus::duplicate, std::move(ids), "this webhook-id was received before", {}, {}};
    }
    return refused;
}

IngestOutcome IngestPipeline::ingest(const AuthenticatedSource& source, std::string_view body,
                                     std::int64_t now_us) const {
    // Bounds before the parser: depth, string and number sizes, UTF-8, no NUL (core/json_bounds).
    if (const auto exceeded = json_bounds::check(body)) {
        return refused_unless_stored(source, source.webhook_id(), {IngestStatus::malformed, {}, *exceeded, {}, {}});
    }
    Poco::Dynamic::Var document;
    try {
        Poco::JSON::Parser parser;
        document = parser.parse(std::string(body));
    } catch (const Poco::Exception&) {
        // The parser's message may quote the body; say only that it is not JSON.
        return refused_unless_stored(source, source.webhook_id(),
                                     {IngestStatus::malformed, {}, "the body is not valid JSON", {}, {}});
    }
    return validate_and_store(source, source.webhook_id(), document, now_us);
}

IngestOutcome IngestPipeline::ingest(const AuthenticatedSource& source, const std::string& idempotency_key,
                                     const Poco::JSON::Object::Ptr& request, std::int64_t now_us) const {
    return validate_and_store(source, idempotency_key, Poco::Dynamic::Var(request), now_us);
}

IngestOutcome IngestPipeline::validate_and_store(const AuthenticatedSource& source, const std::string& webhook_id,
                                                 const Poco::Dynamic::Var& document, std::int64_t now_us) const {
    IngestOutcome outcome = validate_and_write(source, webhook_id, document, now_us);
    if (outcome.status == IngestStatus::accepted || outcome.status == IngestStatus::duplicate) return outcome;
    return refused_unless_stored(source, webhook_id, std::move(outcome));
}

IngestOutcome IngestPipeline::validate_and_write(const AuthenticatedSource& source, const std::string& webhook_id,
                                                 const Poco::Dynamic::Var& document, std::int64_t now_us) const {
    Problems problems = JsonSchema::embedded("signals/signal.schema.json").validate(document);
    if (!problems.empty()) {
        return {IngestStatus::invalid, {}, "the signal does not match its schema", std::move(problems), {}};
    }

    const auto request_object = document.extract<Poco::JSON::Object::Ptr>();
    auto signal = signal_json::from_request(*request_object);
    if (!signal) return {IngestStatus::invalid, {}, "the signal is not valid", signal.problems(), {}};
    const std::string type(to_string(signal->type()));
    if (Problems refused = policy::refusals(source.source().grant, signal.value()); !refused.empty()) {
        return {IngestStatus::forbidden, {}, "this source may not send this signal", std::move(refused), type};
    }
    const auto input = record_input(*request_object, signal.value());
    if (!input) return {IngestStatus::invalid, {}, "the subject is not a valid identity", input.problems(), {}};

    NewSignal row;
    row.source_id = source.id();
    row.webhook_id = webhook_id;
    row.ids = {new_uuid(), new_uuid()};
    row.type = type;
    row.occurred_at = signal->occurred_at;
    row.received_at_us = now_us;
    row.subject_kind = subject_kind(input.value());
    row.subject_pseudonym = primary_pseudonym(input.value());

    // What is stored is the codec's envelope of the typed signal, without its subject: the pupil
    // is only in the subject_pseudonym column and the record tables, so re-pseudonymisation
    // rewrites columns and no JSON. A household's members are pseudonyms in family_parents and
    // pupil_identifiers, so its stored data keeps only the municipality and their count.
    if (signal->school) {
        row.school_brin = signal->school->brin;
        row.school_gemeentecode = signal->school->gemeentecode;
    }
    row.envelope = signal_json::to_envelope_text(signal.value());

    // Returns once the batch holding this signal has committed.
    auto outcome = writer_.write(row, input.value(), now_us);
    if (outcome.inserted) {
        events_.publish({outcome.ids.signal_id, outcome.ids.correlation_id, source.id(), signal->type()});
    }
    return {outcome.inserted ? IngestStatus::accepted : IngestStatus::duplicate, std::move(outcome.ids), {}, {}, type};
}

}  // namespace eenplan::service
