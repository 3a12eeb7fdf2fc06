// A task for a professional in another organisation, as the hub decides it (TaskDraft) and as the
// recipient may receive it (SharedTask). A draft names the pupil by the hub's own pseudonym and
// says why; what leaves the hub is decided by the sharing policy (policy/sharing_policy.hpp).
#pragma once

#include <string>

namespace eenplan::delivery {

struct TaskDraft {
    std::string type;             // e.g. "adviestafel.aanmelden", "continuity.education"
    std::string recipient_id;     // an organisation configured under recipients:
    std::string pupil_pseudonym;  // the hub pseudonym "kp1:<version>:..."
    std::string due_date;         // YYYY-MM-DD
    std::string reason;           // why, for the hub's own record; never sent
    std::string reference;        // the hub's reference the recipient can quote back (e.g. a plan id)
    std::string correlation_id;   // of the signal or request that caused the task
};

// The task as sent: the same JSON for the webhook and Node-RED connectors,
//   {"type", "task_id", "subject", "due_date", "reference", "correlation_id"}
// where subject is the recipient's own pseudonym of the pupil.
struct SharedTask {
    std::string type;
    std::string task_id;
    std::string subject;
    std::string due_date;
    std::string reference;
    std::string correlation_id;
};

}  // namespace eenplan::delivery
