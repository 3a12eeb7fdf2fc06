#include "common/ids.hpp"

#include <Poco/UUIDGenerator.h>

namespace eenplan::service {

std::string new_uuid() { return Poco::UUIDGenerator::defaultGenerator().createRandom().toString(); }

}  // namespace eenplan::service
