// eenplan-service entry point.
#include <iostream>  // POCO_SERVER_MAIN reports errors on std::cerr

#include "app/service_application.hpp"

POCO_SERVER_MAIN(eenplan::service::ServiceApplication)
