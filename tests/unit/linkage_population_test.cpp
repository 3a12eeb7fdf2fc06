// The synthetic population for record linkage: reproducible, shaped as asked, ground truth intact.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "eenplan/core/person_number.hpp"
#include "population.hpp"

using namespace eenplan::simulators;

namespace {

const Population& small() {
    static const Population p = [] {
        PopulationParameters parameters;
        parameters.pupils = 3'000;
        parameters.seed = 11;
        return generate_population(parameters);
    }();
    return p;
}

std::string compact(std::string_view postcode) {
    std::string out;
    for (char c : postcode) {
        if (c != ' ') out.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
    }
    return out;
}

int age_on(std::string_view birth, std::string_view day) {
    const int years = std::stoi(std::string(day.substr(0, 4))) - std::stoi(std::string(birth.substr(0, 4)));
    return day.substr(5) < birth.substr(5) ? years - 1 : years;
}

}  // namespace

TEST_CASE("the same seed gives the same population, another seed another", "[record]") {
    PopulationParameters parameters;
    parameters.pupils = 3'000;
    parameters.seed = 11;
    const Population again = generate_population(parameters);
    const Population& first = small();
    REQUIRE(again.pupils.size() == first.pupils.size());
    REQUIRE(again.observations.size() == first.observations.size());
    for (std::size_t i = 0; i < first.observations.size(); ++i) {
        const auto& a = first.observations[i];
        const auto& b = again.observations[i];
        REQUIRE(a.family_name == b.family_name);
        REQUIRE(a.given_names == b.given_names);
        REQUIRE(a.birth_date == b.birth_date);
        REQUIRE(a.postcode == b.postcode);
        REQUIRE(a.distortions == b.distortions);
    }
    parameters.seed = 12;
    const Population other = generate_population(parameters);
    std::size_t same = 0;
    for (std::size_t i = 0; i < std::min(other.pupils.size(), first.pupils.size()); ++i) {
        same += other.pupils[i].given_names == first.pupils[i].given_names &&
                other.pupils[i].birth_date == first.pupils[i].birth_date;
    }
    CHECK(same < first.pupils.size() / 100);
}

TEST_CASE("families of 1-4 children and 1-2 parents, pupils aged 4 to 18", "[record]") {
    const Population& p = small();
    CHECK(p.pupils.size() >= 3'000);
    CHECK(p.pupils.size() < 3'004);
    std::map<std::size_t, std::size_t> sizes;
    for (const Family& f : p.families) {
        REQUIRE(!f.children.empty());
        REQUIRE(f.children.size() <= 4);
        REQUIRE((f.parents.size() == 1 || f.parents.size() == 2));
        ++sizes[f.children.size()];
        for (std::uint32_t c : f.children) {
            REQUIRE(p.pupils[c].family == f.id);
            // Children carry the family name of the first parent (or its feminine form).
            CHECK(p.pupils[c].family_name.substr(0, 4) == p.parents[f.parents[0]].family_name.substr(0, 4));
        }
        REQUIRE(municipality_of_postcode(f.address.postcode) != nullptr);
        CHECK(municipality_of_postcode(f.address.postcode)->gemeentecode == f.address.gemeentecode);
        if (f.previous_address) CHECK(f.previous_address->postcode != f.address.postcode);
    }
    CHECK(sizes.size() == 4);  // every size occurs
    std::size_t primary = 0, secondary = 0;
    for (const Pupil& pupil : p.pupils) {
        const int age = age_on(pupil.birth_date, "2026-11-23");
        INFO(pupil.birth_date);
        REQUIRE(age >= 4);
        REQUIRE(age < 18);
        CHECK((pupil.sector == Sector::primary) == (age < 12));
        (pupil.sector == Sector::primary ? primary : secondary) += 1;
    }
    CHECK(primary > p.pupils.size() / 4);
    CHECK(secondary > p.pupils.size() / 4);
}

TEST_CASE("person numbers pass the 11-proef, are unique, and some are missing", "[record]") {
    const Population& p = small();
    std::set<std::string> seen;
    std::size_t bsn = 0, onderwijsnummer = 0, none = 0;
    for (const Pupil& pupil : p.pupils) {
        if (!pupil.bsn.empty()) {
            ++bsn;
            CHECK(eenplan::passes_bsn_elfproef(pupil.bsn));
            CHECK(seen.insert(pupil.bsn).second);
        } else if (!pupil.onderwijsnummer.empty()) {
            ++onderwijsnummer;
            CHECK(eenplan::passes_onderwijsnummer_elfproef(pupil.onderwijsnummer));
            CHECK(seen.insert(pupil.onderwijsnummer).second);
        } else {
            ++none;
        }
    }
    for (const Person& parent : p.parents) CHECK(seen.insert(parent.bsn).second);
    CHECK(bsn > p.pupils.size() * 9 / 10);
    CHECK(onderwijsnummer > 0);
    std::size_t dropped = 0;
    for (const Observation& o : p.observations) dropped += (o.distortions & number_missing) != 0;
    CHECK(dropped > p.observations.size() / 10);
}

TEST_CASE("each observation names its pupil, and the distortions are really applied", "[record]") {
    const Population& p = small();
    REQUIRE(p.references.size() == p.pupils.size());
    for (std::size_t i = 0; i < p.references.size(); ++i) {
        REQUIRE(p.references[i].pupil == i);
        CHECK(p.references[i].distortions == 0);
        CHECK(p.references[i].birth_date == p.pupils[i].birth_date);
    }
    CHECK(p.observations.size() >= p.pupils.size() * 2);
    std::map<std::uint32_t, std::size_t> seen_distortion;
    std::set<std::string_view> sources;
    for (const Observation& o : p.observations) {
        REQUIRE(o.pupil < p.pupils.size());
        sources.insert(o.source);
        const Pupil& pupil = p.pupils[o.pupil];
        const Family& family = p.families[pupil.family];
        for (std::uint32_t bit = 0; bit < 13; ++bit) seen_distortion[bit] += (o.distortions >> bit) & 1U;
        if (o.distortions & typo) CHECK((o.typos >= 1 && o.typos <= 3));
        if ((o.distortions & old_postcode) && !(o.distortions & postcode_missing)) {
            CHECK(compact(o.postcode) == family.previous_address->postcode);
        }
        if (!(o.distortions & (old_postcode | postcode_missing))) CHECK(compact(o.postcode) == family.address.postcode);
        if (o.distortions & postcode_missing) CHECK(o.postcode.empty());
        if (o.distortions & day_month_swapped) {
            CHECK(o.birth_date != pupil.birth_date);
        }
        if ((o.distortions & prefix_after) && !(o.distortions & upper_case)) {
            CHECK(o.family_name.ends_with(pupil.family_prefix));
        }
        if (o.distortions & prefix_dropped) CHECK(o.family_name.find(' ') == std::string::npos);
        if (o.distortions == 0) {
            CHECK(o.birth_date == pupil.birth_date);
            CHECK(o.given_names == pupil.given_names);
        }
    }
    CHECK(sources.size() == 4);
    for (std::uint32_t bit = 0; bit < 13; ++bit) {
        INFO("distortion bit " << bit);
        CHECK(seen_distortion[bit] > 0);
    }
}

TEST_CASE("typos are 1 to 3 real edits and leave multi-byte letters whole", "[record]") {
    std::mt19937_64 random(5);
    for (unsigned edits = 1; edits <= 3; ++edits) {
        for (int i = 0; i < 200; ++i) {
            std::string name = "Wiśniewski";
            REQUIRE(apply_typos(name, edits, random) == edits);
            CHECK(name != "Wiśniewski");
            CHECK(name.find("ś") != std::string::npos);
            const auto length = static_cast<long>(name.size()) - static_cast<long>(std::string("Wiśniewski").size());
            CHECK(std::abs(length) <= static_cast<long>(edits));
        }
    }
    std::string tiny = "Bo";
    CHECK(apply_typos(tiny, 2, random) == 0);
    CHECK(tiny == "Bo");
}
