// A task for a professional in another organisation, as the hub decides it (TaskDraft) and as the
// recipient may receive it (SharedTask). A draft names the pupil by the hub's own pseudonym and
// says why; what leaves the hub is decided by the sharing policy (policy/sharing_policy.hpp).
#pragma once

#include <string>

namespace eenplan::delivery {

// The few facts a notification may carry beside the pupil's pseudonym, each a code, never free
// text: the school (BRIN), the date the fact is about, a reason code (an enrolment's end reason or
// sector) and a woongemeente (CBS code, never an address). Empty members are not sent.
struct TaskFacts {
    std::string school_brin;   // "12AB"
    std::string date;          // YYYY-MM-DD
    std::string reason_code;   // "schoolwissel", "vo", ...
    std::string woongemeente;  // "GM0603"

    [[nodiscard]] bool empty() const {
        return school_brin.empty() && date.empty() && reason_code.empty() && woongemeente.empty();
    }
    friend bool operator==(const TaskFacts&, const TaskFacts&) = default;
};

struct TaskDraft {
    std::string type;             // e.g. "adviestafel.aanmelden", "continuity.education"
    std::string recipient_id;     // an organisation configured under recipients:
    std::string pupil_pseudonym;  // the hub pseudonym "kp1:<version>:..."
    std::string due_date;         // YYYY-MM-DD
    std::string reason;           // why, for the hub's own record; never sent
    std::string reference;        // the hub's reference the recipient can quote back (e.g. a plan id)
    std::string correlation_id;   // of the signal or request that caused the task
    TaskFacts facts{};            // what a notification tells (enrolments, a new woongemeente)
};

// The task as sent: the same JSON for the webhook and Node-RED connectors,
//   {"type", "task_id", "subject", "due_date", "reference", "correlation_id"}
// where subject is the recipient's own pseudonym of the pupil, plus "school_brin", "date",
// "reason_code" and "woongemeente" when the task carries those facts.
struct SharedTask {
    std::string type;
    std::string task_id;
    std::string subject;
    std::string due_date;
    std::string reference;
    std::string correlation_id;
    TaskFacts facts{};
};

}  // namespace eenplan::delivery
