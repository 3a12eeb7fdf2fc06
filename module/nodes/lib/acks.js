// Deliveries held open by eenplan-task-in until the flow says what became of them: an
// eenplan-task-done node answers them by msg.eenplan.webhookId. Shared by every node of this
// runtime (a msg may be cloned on its way, so the HTTP response cannot travel inside it).
'use strict';

const pending = new Map();  // webhookId → {answer(outcome, detail), owner}

module.exports = {
  hold(id, entry) { pending.set(id, entry); },
  isHeld(id) { return pending.has(id); },
  release(id) { pending.delete(id); },
  // Answers a held delivery; false when there is none (answered already or timed out).
  answer(id, outcome, detail) {
    const entry = pending.get(id);
    if (!entry) return false;
    pending.delete(id);
    entry.answer(outcome, detail);
    return true;
  },
  releaseOwner(owner) {
    for (const [id, entry] of pending) {
      if (entry.owner === owner) { pending.delete(id); entry.answer('retry', 'the flow was stopped'); }
    }
  },
};
