// eenplan-service entry point.
#include "app/service_application.hpp"

POCO_SERVER_MAIN(eenplan::service::ServiceApplication)
