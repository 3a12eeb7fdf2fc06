#include "record/pupil_store.hpp"
#include "common/ids.hpp"

#include <map>
#include <stdexcept>

#include "eenplan/core/encoding.hpp"
#include "eenplan/core/record/merges.hpp"

namespace eenplan::service::records {

std::string new_id() { return new_uuid(); }

std::optional<std::string> identifier_owner(soci::session& sql, const std::string& pseudonym) {
    std::string owner;
    sql << "SELECT pupil_id FROM pupil_identifiers WHERE pseudonym = :p", soci::use(pseudonym), soci::into(owner);
    if (!sql.got_data()) return std::nullopt;
    return owner;
}

std::optional<std::string> identifier_owner(soci::session& sql, const std::string& pseudonym,
                                            const std::vector<std::string>& earlier) {
    if (auto owner = identifier_owner(sql, pseudonym)) return owner;
    for (const std::string& value : earlier) {
        if (auto owner = identifier_owner(sql, value)) return owner;
    }
    return std::nullopt;
}

bool pupil_exists(soci::session& sql, const std::string& pupil_id) {
    int n = 0;
    sql << "SELECT COUNT(*) FROM pupils WHERE pupil_id = :id", soci::use(pupil_id), soci::into(n);
    return n > 0;
}

std::string root_of(soci::session& sql, const std::string& pupil_id) {
    record::MergeLinks links;
    std::string current = pupil_id;
    while (true) {
        std::string next;
        soci::indicator ind = soci::i_null;
        sql << "SELECT merged_into FROM pupils WHERE pupil_id = :id", soci::use(current), soci::into(next, ind);
        if (!sql.got_data() || ind != soci::i_ok) break;
        if (links.contains(current)) throw std::logic_error("merge links form a cycle");
        links[current] = next;
        current = next;
    }
    return record::resolve_root(links, pupil_id);
}

std::vector<std::string> record_nodes(soci::session& sql, const std::string& root) {
    std::vector<std::string> nodes{root};
    for (std::size_t i = 0; i < nodes.size(); ++i) {
        soci::rowset<std::string> children =
            (sql.prepare << "SELECT pupil_id FROM pupils WHERE merged_into = :id ORDER BY created_at_us, pupil_id",
             soci::use(nodes[i]));
        std::vector<std::string> found(children.begin(), children.end());
        nodes.insert(nodes.end(), found.begin(), found.end());
    }
    return nodes;
}

void create_pupil(soci::session& sql, const std::string& pupil_id, const std::string& signal_id, std::int64_t now_us) {
    const long long now = now_us;
    sql << "INSERT INTO pupils (pupil_id, created_at_us, created_by_signal) VALUES (:id, :t, :s)", soci::use(pupil_id),
        soci::use(now), soci::use(signal_id);
}

void add_identifier(soci::session& sql, const HubPseudonym& identifier, const std::string& pupil_id,
                    const std::string& signal_id, std::int64_t now_us) {
    const long long now = now_us;
    // A concurrent instance adding the same pseudonym makes this fail on the primary key; the
    // transaction is then run again (write_transaction.hpp) and finds it.
    // `polymorphic`: the identity encrypted for the key server, with a key server (0018).
    soci::indicator polymorphic = identifier.polymorphic.empty() ? soci::i_null : soci::i_ok;
    sql << "INSERT INTO pupil_identifiers (pseudonym, kind, pupil_id, signal_id, added_at_us, polymorphic) "
           "VALUES (:p, :k, :id, :s, :t, :c)",
        soci::use(identifier.pseudonym), soci::use(identifier.kind), soci::use(pupil_id), soci::use(signal_id),
        soci::use(now), soci::use(identifier.polymorphic, polymorphic);
}

void link_signal(soci::session& sql, const std::string& signal_id, const std::string& pupil_id, const std::string& rule,
                 std::optional<double> score, const std::string& evidence_json, std::int64_t now_us) {
    const long long now = now_us;
    double score_value = score.value_or(0.0);
    soci::indicator score_ind = score ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO signal_links (signal_id, pupil_id, rule, score, evidence, linked_at_us) "
           "VALUES (:s, :p, :r, :sc, :e, :t)",
        soci::use(signal_id), soci::use(pupil_id), soci::use(rule), soci::use(score_value, score_ind),
        soci::use(evidence_json), soci::use(now);
}

std::string merge(soci::session& sql, const TextSealer& sealer, const MergeRequest& r, std::int64_t now_us) {
    const std::string merge_id = new_id();
    const std::string reason = sealer.seal("pupil_merges", merge_id, "reason", r.reason);
    const long long now = now_us;
    const std::string signal = r.signal_id.value_or("");
    const std::string review = r.review_id.value_or("");
    soci::indicator signal_ind = r.signal_id ? soci::i_ok : soci::i_null;
    soci::indicator review_ind = r.review_id ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO pupil_merges (merge_id, survivor_id, absorbed_id, rule, reason, merged_by, merged_at_us, "
           "signal_id, review_id) VALUES (:m, :s, :a, :r, :why, :who, :t, :sig, :rev)",
        soci::use(merge_id), soci::use(r.survivor), soci::use(r.absorbed), soci::use(r.rule), soci::use(reason),
        soci::use(r.actor), soci::use(now), soci::use(signal, signal_ind), soci::use(review, review_ind);
    soci::statement update =
        (sql.prepare << "UPDATE pupils SET merged_into = :s WHERE pupil_id = :a AND merged_into IS NULL",
         soci::use(r.survivor), soci::use(r.absorbed));
    update.execute(true);
    if (update.get_affected_rows() != 1) throw std::logic_error("the absorbed record is not a root");
    return merge_id;
}

std::string clk_to_hex(const linkage::Clk& clk) {
    Bytes bytes;
    bytes.reserve(linkage::clk_words * 8);
    for (std::uint64_t word : clk.words) {
        for (int i = 0; i < 8; ++i) bytes.push_back(static_cast<std::uint8_t>(word >> (8 * i)));
    }
    return hex_encode(bytes);
}

std::optional<linkage::Clk> clk_from_hex(const std::string& hex) {
    const auto bytes = hex_decode(hex);
    if (!bytes || bytes->size() != linkage::clk_words * 8) return std::nullopt;
    linkage::Clk clk;
    for (std::size_t w = 0; w < linkage::clk_words; ++w) {
        std::uint64_t word = 0;
        for (int i = 0; i < 8; ++i) word |= std::uint64_t{(*bytes)[w * 8 + static_cast<std::size_t>(i)]} << (8 * i);
        clk.words[w] = word;
    }
    clk.recount();
    return clk;
}

void store_encoding(soci::session& sql, const std::string& signal_id, const std::string& pupil_id,
                    const SubjectEncoding& encoding, std::int64_t now_us) {
    const long long now = now_us;
    const int version = static_cast<int>(encoding.key_version);
    const std::string clk = clk_to_hex(encoding.record.clk);
    const linkage::FieldEncoding& fields = encoding.record.fields;
    const bool has_fields = fields.present();
    const std::string fields_hex = has_fields ? linkage::to_hex(fields) : std::string();
    soci::indicator fields_indicator = has_fields ? soci::i_ok : soci::i_null;
    sql << "INSERT INTO linkage_encodings (signal_id, pupil_id, key_version, clk, fields, recorded_at_us) "
           "VALUES (:s, :p, :v, :c, :f, :t)",
        soci::use(signal_id), soci::use(pupil_id), soci::use(version), soci::use(clk),
        soci::use(fields_hex, fields_indicator), soci::use(now);
    if (has_fields) {
        auto count = [&](int field, linkage::FieldToken token) {
            const auto t = static_cast<long long>(token);
            sql << "INSERT INTO linkage_token_counts (key_version, field, token, seen) VALUES (:v, :f, :t, 1) "
                   "ON CONFLICT (key_version, field, token) DO UPDATE SET seen = linkage_token_counts.seen + 1",
                soci::use(version), soci::use(field), soci::use(t);
        };
        count(0, 0);
        if (fields.family_token != 0) count(1, fields.family_token);
        if (fields.given_first_token != 0) count(2, fields.given_first_token);
    }
    for (std::size_t pass = 0; pass < linkage::blocking_passes; ++pass) {
        if (!encoding.record.blocks.has(pass)) continue;
        const int p = static_cast<int>(pass);
        const auto key = static_cast<long long>(encoding.record.blocks.keys[pass]);
        sql << "INSERT INTO linkage_blocks (block_pass, block_key, signal_id) VALUES (:p, :k, :s)", soci::use(p),
            soci::use(key), soci::use(signal_id);
    }
}

linkage::TermCounts term_counts(soci::session& sql, const linkage::FieldEncoding& query, std::uint32_t key_version) {
    linkage::TermCounts counts;
    const int version = static_cast<int>(key_version);
    auto read = [&](int field, linkage::FieldToken token) -> std::uint64_t {
        if (field != 0 && token == 0) return 0;
        const auto t = static_cast<long long>(token);
        long long seen = 0;
        soci::indicator indicator = soci::i_null;
        sql << "SELECT seen FROM linkage_token_counts WHERE key_version = :v AND field = :f AND token = :t",
            soci::use(version), soci::use(field), soci::use(t), soci::into(seen, indicator);
        return sql.got_data() && indicator == soci::i_ok && seen > 0 ? static_cast<std::uint64_t>(seen) : 0;
    };
    counts.total = read(0, 0);
    counts.family = read(1, query.family_token);
    counts.given_first = read(2, query.given_first_token);
    return counts;
}

std::vector<StoredEncoding> candidate_encodings(soci::session& sql, const linkage::BlockingKeys& blocks,
                                                std::uint32_t key_version) {
    std::map<std::string, StoredEncoding> found;
    const int version = static_cast<int>(key_version);
    for (std::size_t pass = 0; pass < linkage::blocking_passes; ++pass) {
        if (!blocks.has(pass)) continue;
        const int p = static_cast<int>(pass);
        const auto key = static_cast<long long>(blocks.keys[pass]);
        soci::rowset<soci::row> rows =
            (sql.prepare << "SELECT e.signal_id, e.pupil_id, e.clk, e.fields FROM linkage_blocks b "
                            "JOIN linkage_encodings e ON e.signal_id = b.signal_id "
                            "WHERE b.block_pass = :p AND b.block_key = :k AND e.key_version = :v",
             soci::use(p), soci::use(key), soci::use(version));
        for (const soci::row& row : rows) {
            const auto signal_id = row.get<std::string>(0);
            auto it = found.find(signal_id);
            if (it == found.end()) {
                auto clk = clk_from_hex(row.get<std::string>(2));
                if (!clk) continue;
                std::optional<linkage::FieldEncoding> fields;
                if (row.get_indicator(3) == soci::i_ok)
                    fields = linkage::field_encoding_from_hex(row.get<std::string>(3));
                it =
                    found.emplace(signal_id, StoredEncoding{signal_id, row.get<std::string>(1), *clk, 0, fields}).first;
            }
            it->second.passes = static_cast<std::uint8_t>(it->second.passes | (1U << pass));
        }
    }
    std::vector<StoredEncoding> out;
    for (auto& [id, encoding] : found) out.push_back(std::move(encoding));
    return out;
}

}  // namespace eenplan::service::records
