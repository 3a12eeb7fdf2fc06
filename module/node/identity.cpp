// Person numbers and pseudonyms for JavaScript: the same core calls the service makes, so a
// school's Node-RED and the hub produce byte-identical values (tests/vectors/identity.json).
#include "identity.hpp"

#include <algorithm>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include "eenplan/core/keyed_pseudonymiser.hpp"
#include "eenplan/core/person_number.hpp"
#include "eenplan/core/polymorphic.hpp"
#include "napi_helpers.hpp"

namespace eenplan::node {
namespace {

std::optional<PersonNumberKind> parse_kind(std::string_view kind) {
    if (kind == "bsn") return PersonNumberKind::bsn;
    if (kind == "onderwijsnummer") return PersonNumberKind::onderwijsnummer;
    return std::nullopt;
}

// The number checked with the 11-proef; problems name the field as "/subject/<kind>", as ingest does.
Result<PersonNumber> parse_number(std::string_view kind_text, std::string_view text) {
    const auto kind = parse_kind(kind_text);
    if (!kind) return Problem{"/subject", "kind must be bsn or onderwijsnummer"};
    return PersonNumber::parse(*kind, text, "/subject/" + std::string(kind_text));
}

Napi::Object problems_result(Napi::Env env, const Problems& problems) {
    Napi::Object out = Napi::Object::New(env);
    out.Set("problems", to_js(env, problems));
    return out;
}

Napi::Value check_person_number(const Napi::CallbackInfo& info) {
    const auto number = parse_number(string_arg(info, 0, "kind"), string_arg(info, 1, "number"));
    if (!number) return problems_result(info.Env(), number.problems());
    Napi::Object out = Napi::Object::New(info.Env());
    out.Set("valid", true);
    return out;
}

// new KeyedPseudonymiser(key, version).pseudonym(domain, kind, number)
class KeyedPseudonymiserWrap : public Napi::ObjectWrap<KeyedPseudonymiserWrap> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(env, "KeyedPseudonymiser",
                           {InstanceMethod<&KeyedPseudonymiserWrap::pseudonym>("pseudonym"),
                            InstanceAccessor<&KeyedPseudonymiserWrap::version>("version")});
    }

    explicit KeyedPseudonymiserWrap(const Napi::CallbackInfo& info)
        : Napi::ObjectWrap<KeyedPseudonymiserWrap>(info), pseudonymiser_(make(info)) {}

private:
    static KeyedPseudonymiser make(const Napi::CallbackInfo& info) {
        Bytes secret = key_arg(info, 0, "key");
        if (secret.size() < 32) throw Napi::RangeError::New(info.Env(), "key must be at least 32 bytes");
        if (info.Length() < 2 || !info[1].IsNumber())
            throw Napi::TypeError::New(info.Env(), "version must be a number");
        const auto version = info[1].As<Napi::Number>().Int64Value();
        if (version < 1 || version > 0xFFFFFFFFLL) throw Napi::RangeError::New(info.Env(), "version must be 1 or more");
        return KeyedPseudonymiser(VersionedKey(static_cast<std::uint32_t>(version), std::move(secret)));
    }

    Napi::Value pseudonym(const Napi::CallbackInfo& info) {
        const std::string domain = string_arg(info, 0, "domain");
        const auto number = parse_number(string_arg(info, 1, "kind"), string_arg(info, 2, "number"));
        if (!number) return problems_result(info.Env(), number.problems());
        Napi::Object out = Napi::Object::New(info.Env());
        out.Set("pseudonym", pseudonymiser_.pseudonym(domain, number.value()));
        return out;
    }

    Napi::Value version(const Napi::CallbackInfo& info) {
        return Napi::Number::New(info.Env(), pseudonymiser_.version());
    }

    KeyedPseudonymiser pseudonymiser_;
};

struct BatchItem {
    std::string kind;
    std::string number;
};
using BatchResult = std::variant<std::string, Problems>;

// Encrypts a batch on libuv's thread pool: two P-256 multiplications per number (about 85 µs)
// would otherwise hold the event loop, and with it the editor and every http-in, for the batch.
class EncryptBatchWorker : public Napi::AsyncWorker {
public:
    EncryptBatchWorker(Napi::Env env, PolymorphicPublicKey key, std::vector<BatchItem> items)
        : Napi::AsyncWorker(env, "eenplan.encryptBatch"),
          deferred_(Napi::Promise::Deferred::New(env)),
          key_(std::move(key)),
          items_(std::move(items)) {}

    Napi::Promise promise() const { return deferred_.Promise(); }

    void Execute() override {
        results_.reserve(items_.size());
        for (BatchItem& item : items_) {
            const auto number = parse_number(item.kind, item.number);
            if (number) {
                results_.emplace_back(encrypt_at_source(key_, number.value()).to_string());
            } else {
                results_.emplace_back(number.problems());
            }
            item.number.assign(item.number.size(), '\0');
        }
    }

    void OnOK() override {
        Napi::Env env = Env();
        Napi::Array out = Napi::Array::New(env, results_.size());
        for (std::size_t i = 0; i < results_.size(); ++i) {
            if (const auto* ciphertext = std::get_if<std::string>(&results_[i])) {
                Napi::Object result = Napi::Object::New(env);
                result.Set("ciphertext", *ciphertext);
                out.Set(static_cast<std::uint32_t>(i), result);
            } else {
                out.Set(static_cast<std::uint32_t>(i), problems_result(env, std::get<Problems>(results_[i])));
            }
        }
        deferred_.Resolve(out);
    }

    void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

private:
    Napi::Promise::Deferred deferred_;
    PolymorphicPublicKey key_;
    std::vector<BatchItem> items_;
    std::vector<BatchResult> results_;
};

// new PolymorphicEncrypter(hubPublicKeyHex): encrypt(kind, number), encryptBatch(items)
class PolymorphicEncrypterWrap : public Napi::ObjectWrap<PolymorphicEncrypterWrap> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(env, "PolymorphicEncrypter",
                           {InstanceMethod<&PolymorphicEncrypterWrap::encrypt>("encrypt"),
                            InstanceMethod<&PolymorphicEncrypterWrap::encrypt_batch>("encryptBatch")});
    }

    explicit PolymorphicEncrypterWrap(const Napi::CallbackInfo& info)
        : Napi::ObjectWrap<PolymorphicEncrypterWrap>(info), key_(make(info)) {}

private:
    static PolymorphicPublicKey make(const Napi::CallbackInfo& info) {
        const Bytes bytes = key_arg(info, 0, "publicKey");
        auto key = PolymorphicPublicKey::from_bytes(bytes, "/publicKey");
        if (!key) throw Napi::TypeError::New(info.Env(), "publicKey: " + key.problems().front().detail);
        return std::move(key).value();
    }

    Napi::Value encrypt(const Napi::CallbackInfo& info) {
        const auto number = parse_number(string_arg(info, 0, "kind"), string_arg(info, 1, "number"));
        if (!number) return problems_result(info.Env(), number.problems());
        Napi::Object out = Napi::Object::New(info.Env());
        out.Set("ciphertext", encrypt_at_source(key_, number.value()).to_string());
        return out;
    }

    // encryptBatch([{kind, number}, ...]) → Promise<[{ciphertext} | {problems}, ...]>, in order.
    Napi::Value encrypt_batch(const Napi::CallbackInfo& info) {
        if (info.Length() < 1 || !info[0].IsArray()) throw Napi::TypeError::New(info.Env(), "items must be an array");
        const auto array = info[0].As<Napi::Array>();
        std::vector<BatchItem> items;
        items.reserve(array.Length());
        for (std::uint32_t i = 0; i < array.Length(); ++i) {
            const Napi::Value value = array.Get(i);
            if (!value.IsObject())
                throw Napi::TypeError::New(info.Env(), "items[" + std::to_string(i) + "] must be an object");
            const auto item = value.As<Napi::Object>();
            const Napi::Value kind = item.Get("kind");
            const Napi::Value number = item.Get("number");
            items.push_back({kind.IsString() ? kind.As<Napi::String>().Utf8Value() : std::string(),
                             number.IsString() ? number.As<Napi::String>().Utf8Value() : std::string()});
        }
        auto* worker = new EncryptBatchWorker(info.Env(), key_, std::move(items));
        const Napi::Promise promise = worker->promise();
        worker->Queue();  // the worker deletes itself when done
        return promise;
    }

    PolymorphicPublicKey key_;
};

// new RecipientDecrypter(recipientKeyHex, domain).decrypt(subject) → {pseudonym} | {problems}:
// an organisation opens the subject of a task the hub sent (an encryption the key server
// converted for its domain, "pp1:...") into its own stable pseudonym ("ppd1:..."), the same one it
// gets from its own sources' polymorphic identities. The key stays inside the addon.
class RecipientDecrypterWrap : public Napi::ObjectWrap<RecipientDecrypterWrap> {
public:
    static Napi::Function define(Napi::Env env) {
        return DefineClass(env, "RecipientDecrypter",
                           {InstanceMethod<&RecipientDecrypterWrap::decrypt_subject>("decrypt"),
                            InstanceAccessor<&RecipientDecrypterWrap::domain>("domain"),
                            InstanceAccessor<&RecipientDecrypterWrap::public_key>("publicKey")});
    }

    explicit RecipientDecrypterWrap(const Napi::CallbackInfo& info)
        : Napi::ObjectWrap<RecipientDecrypterWrap>(info), key_(make(info)) {}

private:
    static RecipientKey make(const Napi::CallbackInfo& info) {
        Bytes bytes = key_arg(info, 0, "recipientKey");
        const std::string domain = string_arg(info, 1, "domain");
        auto key = RecipientKey::from_bytes(domain, bytes, "/recipientKey");
        std::fill(bytes.begin(), bytes.end(), std::uint8_t{0});
        if (!key) throw Napi::TypeError::New(info.Env(), "recipientKey: " + key.problems().front().detail);
        return std::move(key).value();
    }

    Napi::Value decrypt_subject(const Napi::CallbackInfo& info) {
        const std::string subject = string_arg(info, 0, "subject");
        auto ciphertext = PolymorphicCiphertext::parse(subject, key_.public_key(), "/subject");
        if (!ciphertext) return problems_result(info.Env(), ciphertext.problems());
        auto pseudonym = decrypt(key_, ciphertext.value());
        if (!pseudonym) return problems_result(info.Env(), pseudonym.problems());
        Napi::Object out = Napi::Object::New(info.Env());
        out.Set("pseudonym", pseudonym.value());
        return out;
    }

    Napi::Value domain(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), key_.domain()); }
    // x_d·G (hex): what a subject for this domain is encrypted under; public.
    Napi::Value public_key(const Napi::CallbackInfo& info) {
        return Napi::String::New(info.Env(), hex_encode(key_.public_key().to_bytes()));
    }

    RecipientKey key_;
};

}  // namespace

void register_identity(Napi::Env env, Napi::Object exports) {
    exports.Set("RecipientDecrypter", RecipientDecrypterWrap::define(env));
    exports.Set("checkPersonNumber", Napi::Function::New<check_person_number>(env, "checkPersonNumber"));
    exports.Set("KeyedPseudonymiser", KeyedPseudonymiserWrap::define(env));
    exports.Set("PolymorphicEncrypter", PolymorphicEncrypterWrap::define(env));
}

}  // namespace eenplan::node
