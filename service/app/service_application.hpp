// eenplan-service: the Poco ServerApplication. Reads the configuration, applies migrations,
// starts the HTTP(S) server and waits for a termination request. A bad configuration stops it
// before anything listens, with the file, the JSON Pointer and a sentence.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <Poco/Util/ServerApplication.h>

namespace eenplan::service {

class ServiceApplication : public Poco::Util::ServerApplication {
protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    int main(const std::vector<std::string>& args) override;

private:
    void handle_help(const std::string& name, const std::string& value);
    void handle_config(const std::string& name, const std::string& value);
    void handle_flag(const std::string& name, const std::string& value);
    void handle_routeboek_check(const std::string& name, const std::string& value);
    void handle_add_user(const std::string& name, const std::string& value);

    bool help_requested_ = false;
    bool check_only_ = false;
    bool migrate_only_ = false;
    bool repseudonymise_ = false;
    bool verify_audit_ = false;
    bool purge_ = false;
    bool dry_run_ = false;
    std::string config_path_;
    // --check-routeboek FILE --scenarios DIR [--school-calendar FILE]: the dry run, no configuration.
    std::string check_routeboek_;
    std::string scenarios_dir_;
    std::optional<std::string> check_calendar_;
    // --add-user NAME --role R [--role R2] [--password-file F]: a console account.
    std::string add_user_;
    std::vector<std::string> add_user_roles_;
    std::optional<std::string> password_file_;
};

}  // namespace eenplan::service
