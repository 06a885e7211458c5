// payment_config.yaml: products and prices, VAT, weekend discount, cancellation terms.
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "config/sections.hpp"

namespace tutorbot::config::detail {
namespace {

using domain::cents;

// "45", "45.5", "45.00", "-3.10" → cents. Text, not a double: 0.1 + 0.2 is not money.
std::optional<std::int64_t> parse_amount(std::string_view t) {
  const bool negative = t.starts_with('-');
  if (negative) t.remove_prefix(1);
  const auto dot = t.find('.');
  const auto whole = t.substr(0, dot);
  const auto frac = dot == std::string_view::npos ? std::string_view{} : t.substr(dot + 1);
  if (whole.empty() || whole.size() > 12 || whole.front() == '+') return std::nullopt;
  if (dot != std::string_view::npos && (frac.empty() || frac.size() > 2 || frac.front() == '+'))
    return std::nullopt;
  const auto w = parse_int(whole);
  const auto f = frac.empty() ? std::optional<std::int64_t>(0) : parse_int(frac);
  if (!w || !f) return std::nullopt;
  const auto value = *w * 100 + (frac.size() == 1 ? *f * 10 : *f);
  return negative ? -value : value;
}

// "exempt", or a rate in percent: 21, "21%", 10.5.
std::optional<domain::vat> get_vat(const YAML::Node& n, const sink& s, const std::string& p) {
  const auto text = get_string(n, s, p);
  if (!text) return std::nullopt;
  if (*text == "exempt") return domain::vat{true, 0};
  std::string_view t = *text;
  if (t.ends_with('%')) t.remove_suffix(1);
  const auto hundredths = parse_amount(t);  // percent with two decimals = basis points
  if (!hundredths) {
    s.add(n, p, quote(*text) + " is neither exempt nor a rate in percent such as 21");
    return std::nullopt;
  }
  if (*hundredths < 0 || *hundredths > 100 * 100) {
    s.add(n, p, "VAT rate " + quote(*text) + " is outside 0..100 %");
    return std::nullopt;
  }
  return domain::vat{false, static_cast<int>(*hundredths)};
}

void read_product(const YAML::Node& n, const sink& s, const std::string& path,
                  const domain::vat& default_vat, domain::product& pr, int& duration_line,
                  bool& ok) {
  std::optional<domain::vat> own_vat;
  std::optional<std::int64_t> lessons;
  int lessons_line = line_of(n);
  bool kind_ok = false;
  const std::size_t before = s.out->size();
  each_entry(n, s, path,
             {"id", "kind", "name_nl", "name_en", "duration_minutes", "lessons", "price", "vat",
              "stripe_price_id"},
             {"id", "kind", "name_nl", "name_en", "duration_minutes", "price"},
             [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (key == "id") {
      if (auto t = get_string(v, s, p)) {
        if (t->empty()) s.add(v, p, "must not be empty");
        pr.id = *t;
      }
    } else if (key == "kind") {
      if (auto t = get_string(v, s, p)) {
        if (auto k = domain::parse_product_kind(*t)) {
          pr.kind = *k;
          kind_ok = true;
        } else {
          s.add(v, p, quote(*t) + " is not a product kind: use lesson, package or trial");
        }
      }
    } else if (key == "name_nl" || key == "name_en") {
      if (auto t = get_string(v, s, p)) {
        if (t->empty()) s.add(v, p, "must not be empty: students see it");
        (key == "name_nl" ? pr.name_nl : pr.name_en) = *t;
      }
    } else if (key == "duration_minutes") {
      duration_line = line_of(v);
      if (auto d = get_int(v, s, p, 1, 8 * 60)) pr.duration_minutes = static_cast<int>(*d);
    } else if (key == "lessons") {
      lessons_line = line_of(v);
      lessons = get_int(v, s, p, 1, 100);
    } else if (key == "price") {
      const auto t = get_string(v, s, p);
      if (!t) return;
      const auto amount = parse_amount(*t);
      if (!amount) s.add(v, p, quote(*t) + " is not an amount such as 45.00");
      else if (*amount < 0) s.add(v, p, quote(*t) + " is negative: a price is 0.00 or more");
      else pr.price = cents{*amount};
    } else if (key == "vat") {
      own_vat = get_vat(v, s, p);
    } else {
      if (auto t = get_string(v, s, p); t && !t->empty()) pr.stripe_price_id = *t;
    }
  });
  pr.vat = own_vat.value_or(default_vat);
  if (kind_ok && lessons) {
    if (pr.kind == domain::product_kind::package && *lessons < 2)
      s.add(lessons_line, join(path, "lessons"), "a package holds at least 2 lessons");
    else if (pr.kind != domain::product_kind::package && *lessons != 1)
      s.add(lessons_line, join(path, "lessons"), "only a package holds more than 1 lesson");
    else
      pr.lessons = static_cast<int>(*lessons);
  } else if (kind_ok && pr.kind == domain::product_kind::package && !lessons &&
             s.out->size() == before) {
    s.add(n, join(path, "lessons"), "is required for a package");
  }
  ok = s.out->size() == before;
}

void read_cancellation(const YAML::Node& n, const sink& s, domain::cancellation_policy& out) {
  const std::string path = "cancellation";
  each_entry(n, s, path, {"credit_instead_of_refund", "refund_tiers"}, {"refund_tiers"},
             [&](const std::string& key, const YAML::Node& v) {
    const auto p = join(path, key);
    if (key == "credit_instead_of_refund") {
      if (auto b = get_bool(v, s, p)) out.credit_instead_of_refund_allowed = *b;
      return;
    }
    std::vector<std::pair<domain::refund_tier, YAML::Node>> tiers;
    each_item(v, s, p, [&](std::size_t i, const YAML::Node& item) {
      const auto ip = index(p, i);
      domain::refund_tier t{};
      int fields = 0;
      each_entry(item, s, ip, {"min_notice_hours", "refund_percent"},
                 {"min_notice_hours", "refund_percent"},
                 [&](const std::string& k, const YAML::Node& x) {
        const auto kp = join(ip, k);
        if (k == "min_notice_hours") {
          if (auto h = get_int(x, s, kp, 0, 24 * 365)) t.min_notice = std::chrono::hours{*h}, ++fields;
        } else if (auto pct = x.IsScalar() ? parse_int(x.Scalar()) : std::nullopt; !pct) {
          s.add(x, kp, "expected an integer percent");
        } else if (*pct < 0 || *pct > 100) {
          s.add(x, kp, "refund percent " + std::to_string(*pct) + " is outside 0..100");
        } else {
          t.refund_percent = static_cast<int>(*pct);
          ++fields;
        }
      });
      if (fields == 2) tiers.emplace_back(t, item);
    });
    std::stable_sort(tiers.begin(), tiers.end(), [](const auto& a, const auto& b) {
      return a.first.min_notice > b.first.min_notice;
    });
    for (std::size_t i = 0; i < tiers.size(); ++i) {
      if (i > 0 && tiers[i].first.min_notice == tiers[i - 1].first.min_notice) {
        s.add(tiers[i].second, p, "two tiers for " + std::to_string(tiers[i].first.min_notice.count()) + " hours");
        continue;
      }
      // Cancelling later must never pay back more than cancelling earlier.
      if (i > 0 && tiers[i].first.refund_percent > tiers[i - 1].first.refund_percent)
        s.add(tiers[i].second, p,
              "a tier with less notice refunds more (" + std::to_string(tiers[i].first.refund_percent) +
                  " %) than one with more notice");
      out.tiers.push_back(tiers[i].first);
    }
  });
}

}  // namespace

void read_payments(const YAML::Node& root, const sink& s, domain::payment_catalog& out,
                   payment_marks& marks) {
  domain::vat default_vat{true, 0};
  std::optional<YAML::Node> products;  // never assign a YAML::Node: it rewires the document
  each_entry(root, s, "",
             {"currency", "hold_minutes", "trial_once_per_student", "default_vat",
              "weekend_discount_percent", "cancellation", "products"},
             {"currency", "products"}, [&](const std::string& key, const YAML::Node& v) {
    if (key == "currency") {
      if (auto t = get_string(v, s, key)) {
        if (t->size() == 3 && std::all_of(t->begin(), t->end(), [](char c) { return c >= 'A' && c <= 'Z'; }))
          out.currency = *t;
        else
          s.add(v, key, quote(*t) + " is not an ISO 4217 code such as EUR");
      }
    } else if (key == "hold_minutes") {
      if (auto n = get_int(v, s, key, 5, 24 * 60)) out.hold = std::chrono::minutes{*n};
    } else if (key == "trial_once_per_student") {
      if (auto b = get_bool(v, s, key)) out.trial_once_per_student = *b;
    } else if (key == "default_vat") {
      if (auto vat = get_vat(v, s, key)) default_vat = *vat;
    } else if (key == "weekend_discount_percent") {
      const auto n = v.IsScalar() ? parse_int(v.Scalar()) : std::nullopt;
      if (!n) s.add(v, key, "expected an integer percent");
      else if (*n < 0 || *n > 100) s.add(v, key, "discount percent " + std::to_string(*n) + " is outside 0..100");
      else out.weekend_discount.percent = static_cast<int>(*n);
    } else if (key == "cancellation") {
      read_cancellation(v, s, out.cancellation);
    } else {
      products.emplace(v);
    }
  });
  // Products after default_vat, whatever the order in the file.
  if (!products) return;
  std::set<std::string> ids;
  each_item(*products, s, "products", [&](std::size_t i, const YAML::Node& item) {
    domain::product pr;
    int duration_line = 0;
    bool ok = false;
    read_product(item, s, index("products", i), default_vat, pr, duration_line, ok);
    if (!pr.id.empty() && !ids.insert(pr.id).second) {
      s.add(item.IsMap() && item["id"] ? line_of(item["id"]) : line_of(item),
            index("products", i) + ".id", quote(pr.id) + " is used by another product too");
      return;
    }
    if (!ok) return;
    out.products.push_back(std::move(pr));
    marks.duration_lines.push_back(duration_line);
    marks.file_index.push_back(i);
  });
  if (products->IsSequence() && products->size() == 0)
    s.add(*products, "products", "must list at least one product");
}

}  // namespace tutorbot::config::detail
