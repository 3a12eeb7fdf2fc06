// Who may call a route (one column of the route table in http/routes.cpp).
#pragma once

namespace eenplan::service {

// Who may call a route. Sources sign their requests and their handler checks it (Standard
// Webhooks, the ZGW notification token, a vendor's signature). For the admin levels the route
// handler itself checks the admin JWT before any handler code runs and writes every request so
// admitted (and every refusal of a valid token) to the audit trail (http/route_handler.hpp).
// privacy_officer: only the privacy_officer role (agreements, consents, the register, subject
// access, retention runs, erasure).
enum class Access { open, source, admin_read, admin_write, audit_read, privacy_officer };

}  // namespace eenplan::service
