// The plan API as the plan room serves it (plan_api/plan_api.hpp): a family's plan and the
// decisions of an override as JSON views, parked signals and plans, and their retry, all over the
// plan worker (plan/plan_keeper.hpp).
#pragma once

#include "plan/plan_keeper.hpp"
#include "plan_api/plan_api.hpp"

namespace eenplan::service {

class PlanViews final : public PlanApi {
public:
    explicit PlanViews(PlanKeeper& plans) : plans_(plans) {}

    Poco::JSON::Object::Ptr plan_view(const std::string& family_id) override;
    Result<Poco::JSON::Array::Ptr> apply_override(const std::string& family_id, const routeboek::Override& deviation,
                                                  routeboek::Day today, std::int64_t now_us) override;
    std::vector<ParkedItem> parked(int max) override { return plans_.parked(max); }
    int retry_parked() override { return plans_.retry_parked(); }

private:
    PlanKeeper& plans_;
};

}  // namespace eenplan::service
