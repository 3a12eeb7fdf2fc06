#include "privacy/disclosure_gate.hpp"

#include "common/ids.hpp"
#include "outbound/task_json.hpp"

namespace eenplan::service {

std::vector<policy::Agreement> DisclosureGate::agreements() {
    std::vector<policy::Agreement> out;
    for (StoredAgreement& a : store_.agreements()) out.push_back(std::move(a.agreement));
    return out;
}

GateAnswer DisclosureGate::check(const GateRequest& request, const std::vector<policy::Agreement>& agreements) {
    return check(std::vector<GateRequest>{request}, agreements).front();
}

std::vector<GateAnswer> DisclosureGate::check(const std::vector<GateRequest>& requests,
                                              const std::vector<policy::Agreement>& agreements) {
    std::vector<std::string> task_ids;
    task_ids.reserve(requests.size());
    for (const GateRequest& r : requests) task_ids.push_back(r.task_id);
    // The pupil behind each task, and the consents of its record and every record it was merged into.
    const std::map<std::string, TaskPupil> pupils = store_.task_pupils(task_ids);
    std::vector<GateAnswer> answers;
    answers.reserve(requests.size());
    for (const GateRequest& r : requests) {
        const auto found = pupils.find(r.task_id);
        answers.push_back(decide(r, agreements, found == pupils.end() ? TaskPupil{} : found->second));
    }
    return answers;
}

GateAnswer DisclosureGate::decide(const GateRequest& request, const std::vector<policy::Agreement>& agreements,
                                  const TaskPupil& pupil) {
    GateAnswer answer;
    auto task = integration::task_from_json(request.payload);
    if (!task) {
        answer.decision.reason = "unreadable_task";
        return answer;
    }
    std::string kind;
    for (const RecipientConfig& r : config_.recipients) {
        if (r.id == request.recipient_id) kind = r.kind;
    }
    const std::vector<std::string>& chain = pupil.chain;
    std::vector<policy::Consent> consents;
    for (const StoredConsent& c : pupil.consents) consents.push_back(c.value());
    const policy::DisclosureRequest disclosure{
        request.recipient_id, kind, task->type, policy::carried_categories(task.value()), request.date, request.now_us};
    answer.decision = policy::decide_disclosure(disclosure, agreements, consents);
    if (!answer.decision.allowed) return answer;
    answer.payload = integration::task_to_json(policy::minimise(task.value(), answer.decision.disclosed));

    DisclosureRecord record;
    record.disclosure_id = new_uuid();
    record.delivery_id = request.delivery_id;
    record.task_id = request.task_id;
    record.task_type = task->type;
    record.recipient_id = request.recipient_id;
    if (!chain.empty()) record.pupil_id = chain.back();
    const policy::SharingDecision& d = answer.decision;
    record.agreement_id = d.agreement_id;
    record.agreement_version = d.agreement_version;
    record.legal_basis = d.basis.kind == policy::BasisKind::consent ? "consent" : "statutory_task";
    if (!d.basis.article.empty()) record.basis_article = d.basis.article;
    record.processing_activity = d.processing_activity;
    record.purpose = d.purpose;
    if (!d.consent_id.empty()) record.consent_id = d.consent_id;
    for (const policy::Category c : d.disclosed) record.categories.emplace_back(policy::category_name(c));
    record.correlation_id = request.correlation_id;
    answer.disclosure = std::move(record);
    return answer;
}

}  // namespace eenplan::service
