#include "privacy/privacy_codec.hpp"

#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>

namespace eenplan::service {
namespace {

std::vector<policy::Category> categories_of(const Poco::JSON::Object::Ptr& o, const char* key) {
    std::vector<policy::Category> out;
    const auto list = o->getArray(key);
    if (!list) return out;
    for (std::size_t i = 0; i < list->size(); ++i) {
        if (auto c = policy::category_from_name(list->getElement<std::string>(static_cast<unsigned>(i)))) {
            out.push_back(*c);
        }
    }
    return out;
}

}  // namespace

policy::Agreement agreement_from_json(const Poco::JSON::Object::Ptr& o) {
    policy::Agreement a;
    a.id = o->getValue<std::string>("id");
    a.version = o->optValue<int>("version", 1);
    a.valid_from = o->getValue<std::string>("valid_from");
    a.valid_until = o->optValue<std::string>("valid_until", "");
    a.revoked = o->optValue<bool>("revoked", false);
    const auto parties = o->getArray("parties");
    for (std::size_t i = 0; parties && i < parties->size(); ++i) {
        const auto p = parties->getObject(static_cast<unsigned>(i));
        a.parties.push_back({p->optValue<std::string>("organisation", ""), p->optValue<std::string>("kind", "")});
    }
    a.purpose = o->getValue<std::string>("purpose");
    const auto types = o->getArray("task_types");
    for (std::size_t i = 0; types && i < types->size(); ++i) {
        a.task_types.push_back(types->getElement<std::string>(static_cast<unsigned>(i)));
    }
    const auto basis = o->getObject("legal_basis");
    a.basis.kind = basis->getValue<std::string>("kind") == "consent" ? policy::BasisKind::consent
                                                                     : policy::BasisKind::statutory_task;
    a.basis.article = basis->optValue<std::string>("article", "");
    a.basis.special_category_basis = basis->optValue<std::string>("special_category_basis", "");
    a.processing_activity = o->getValue<std::string>("processing_activity");
    a.categories = categories_of(o, "categories");
    a.retention = o->getValue<std::string>("retention");
    return a;
}

policy::Consent consent_from_json(const std::string& id, const Poco::JSON::Object::Ptr& o) {
    policy::Consent c;
    c.id = id;
    c.purpose = o->getValue<std::string>("purpose");
    c.recipient_kind = o->optValue<std::string>("recipient_kind", "");
    c.categories = categories_of(o, "categories");
    c.valid_from = o->getValue<std::string>("valid_from");
    c.valid_until = o->optValue<std::string>("valid_until", "");
    const auto by = o->getArray("given_by");
    for (std::size_t i = 0; by && i < by->size(); ++i) {
        c.given_by.push_back(by->getElement<std::string>(static_cast<unsigned>(i)) == "parent"
                                 ? policy::Grantor::parent
                                 : policy::Grantor::young_person);
    }
    const std::string band = o->getValue<std::string>("age_band");
    c.age_band = band == "16_plus"    ? policy::AgeBand::from_16
                 : band == "12_to_15" ? policy::AgeBand::from_12_to_15
                                      : policy::AgeBand::under_12;
    return c;
}

Problems check_agreement(const Poco::JSON::Object::Ptr& o) {
    Problems problems;
    const std::string until = o->optValue<std::string>("valid_until", "");
    if (!until.empty() && until < o->getValue<std::string>("valid_from")) {
        problems.push_back({"/valid_until", "must not be before valid_from"});
    }
    const auto a = agreement_from_json(o);
    for (const policy::Category c : a.categories) {
        if (policy::is_special_category(c) && a.basis.special_category_basis.empty()) {
            problems.push_back({"/legal_basis/special_category_basis",
                                "is required when categories holds a special category (AVG art. 9)"});
        }
    }
    return problems;
}

Problems check_consent(const Poco::JSON::Object::Ptr& o) {
    Problems problems;
    const std::string until = o->optValue<std::string>("valid_until", "");
    if (!until.empty() && until < o->getValue<std::string>("valid_from")) {
        problems.push_back({"/valid_until", "must not be before valid_from"});
    }
    if (!policy::consent_given_by_the_right_people(consent_from_json("", o))) {
        problems.push_back({"/given_by",
                            "is not who must consent at this age: under 12 a parent; 12 to 15 a parent (for youth "
                            "care a parent and the young person); from 16 the young person"});
    }
    return problems;
}

Poco::JSON::Object::Ptr parse_object(const std::string& json) {
    return Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
}

std::string to_text(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out);
    return out.str();
}

}  // namespace eenplan::service
