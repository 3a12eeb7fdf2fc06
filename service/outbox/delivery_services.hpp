// What the delivery side offers the HTTP handlers and the routeboek: the outbox to queue tasks
// in, the store the admin API reads and changes, and the local dispatcher to wake.
#pragma once

#include "outbox/dispatcher.hpp"
#include "outbox/outbox_store.hpp"
#include "outbox/task_outbox.hpp"

namespace eenplan::service {

struct DeliveryServices {
    const TaskOutbox& outbox;
    OutboxStore& store;
    Dispatcher& dispatcher;
};

}  // namespace eenplan::service
