#include "actors/payment_supervisor.hpp"

#include <algorithm>
#include <memory>

#include <caf/event_based_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include "actors/atoms.hpp"
#include "actors/clock.hpp"
#include "actors/blocking_call.hpp"
#include "actors/payment_events.hpp"
#include "actors/payment_messages.hpp"
#include "actors/worker_group.hpp"
#include "db/conversations.hpp"
#include "db/inbox.hpp"
#include "db/credit.hpp"
#include "db/payments.hpp"
#include "db/series.hpp"
#include "domain/pricing.hpp"
#include "net/retry.hpp"
#include "net/stripe_client.hpp"
#include "net/stripe_json.hpp"
#include "obs/log.hpp"
#include "obs/metrics.hpp"

namespace tutorbot::actors {

namespace {

using std::chrono::sys_seconds;

// The event types the supervisor acts on; the reconciler lists exactly these.
const std::vector<std::string> handled_event_types = {
    "checkout.session.completed", "checkout.session.async_payment_succeeded",
    "checkout.session.async_payment_failed", "checkout.session.expired", "payment_intent.payment_failed",
    "charge.refunded", "refund.created", "refund.updated", "refund.failed"};

// Deferred events (a refund whose payment is not recorded yet) are tried again after 5 s,
// doubling to an hour; Stripe itself retries webhooks for three days.
const net::backoff_policy defer_backoff{std::chrono::milliseconds{5000}, std::chrono::milliseconds{3600 * 1000}, 1000};

struct payment_metrics {
  prometheus::Family<prometheus::Counter>& events;
  prometheus::Family<prometheus::Counter>& checkouts;
  explicit payment_metrics(obs::metrics& m)
      : events(m.counter("tutorbot_payments_events_total", "Stripe events applied, by type and outcome")),
        checkouts(m.counter("tutorbot_payments_checkouts_total", "Checkout Sessions asked for, by outcome")) {}
};

struct context {
  payment_settings settings;
  payment_metrics metrics;
  context(payment_settings s, obs::metrics& m) : settings(std::move(s)), metrics(m) {}

  template <class Result, class Call>
  std::optional<Result> call_stripe(Call&& call) const {
    return wait_for_result<Result>(settings.stripe->longest_wait(), std::forward<Call>(call));
  }
};

checkout_answer refused(checkout_refusal why, std::string message) { return {why, std::move(message)}; }

// Who pays, and in which language Checkout speaks to them.
struct payer {
  std::string customer_email;
  domain::language locale = domain::language::nl;
};

// Creates the session for an open order without one and remembers it.
checkout_answer create_session(const context& ctx, db::connection& conn, db::order_view order,
                               const domain::quote& quote, const payer& who) {
  net::checkout_request request;
  for (const auto& line : quote.lines) {
    net::checkout_line_item item;
    item.name = who.locale == domain::language::en ? line.description_en : line.description_nl;
    item.unit_amount = line.unit_amount;
    item.quantity = line.quantity;
    // A Stripe Price only fits when we charge what the catalog lists (no weekend discount).
    const auto* product = ctx.settings.catalog->find_product(line.product_id);
    if (product && product->stripe_price_id && line.discount_percent == 0) item.price_id = product->stripe_price_id;
    request.line_items.push_back(std::move(item));
  }
  request.currency = quote.currency;
  std::transform(request.currency.begin(), request.currency.end(), request.currency.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  request.locale = who.locale;
  if (!who.customer_email.empty()) request.customer_email = who.customer_email;
  request.client_reference_id = order.id;
  request.metadata = {{"order_id", order.id}};
  if (order.booking) request.metadata["booking_id"] = order.booking->value;
  if (order.series) request.metadata["series_id"] = *order.series;
  // Stripe wants expires_at 30 min to 24 h after creation, so it is clamped from now, and the
  // key names it: a retry in the same second replays the same session; a later one (after a
  // crash between Stripe's answer and storing it) makes a new one — the first was never
  // shown to anyone, so nobody can pay it, and it expires by itself.
  request.expires_at = net::clamp_checkout_expiry(order.expires_at.value_or(now_seconds()), now_seconds(),
                                                  ctx.settings.checkout_expiry_margin);
  request.idempotency_key = "checkout-" + order.id + "-" + std::to_string(request.expires_at.time_since_epoch().count());
  auto created = ctx.call_stripe<net::checkout_result>(
      [&](auto done) { ctx.settings.stripe->create_checkout_session(std::move(request), std::move(done)); });
  if (!created) return refused(checkout_refusal::stripe_failed, "Stripe did not answer in time");
  if (auto* e = std::get_if<net::stripe_error>(&*created))
    return refused(checkout_refusal::stripe_failed, std::string(net::to_string(e->kind)) + ": " + e->message);
  const auto& session = std::get<net::checkout_session>(*created);
  auto kept = db::attach_checkout(conn, order.id, session.id, session.url);
  if (kept.session_id != session.id)
    obs::log_warn("checkout_duplicate_ended", {{"order_id", order.id}, {"session_id", session.id}, {"kept", kept.session_id}});
  else
    obs::log_info("checkout_created", {{"order_id", order.id}, {"session_id", session.id}});
  return {std::move(kept), {}};
}

checkout_answer lesson_checkout(const context& ctx, db::connection& conn, const lesson_checkout_request& r) {
  const auto& catalog = *ctx.settings.catalog;
  auto booking = db::find_booking(conn, r.booking);
  if (!booking) return refused(checkout_refusal::not_found, "no such booking");
  const auto* product = catalog.find_product(booking->product_id);
  if (!product) return refused(checkout_refusal::not_found, "product " + booking->product_id + " is no longer sold");
  domain::quote_request q;
  q.product_id = product->id;
  q.lesson_start = booking->lesson_start;
  q.zone = ctx.settings.zone;
  auto quoted = domain::quote_booking(catalog, q);
  if (auto* e = std::get_if<domain::pricing_error>(&quoted)) return refused(checkout_refusal::not_found, e->message);
  const auto& quote = std::get<domain::quote>(quoted);
  if (!quote.payment_required) return refused(checkout_refusal::nothing_to_pay, "this lesson costs nothing");

  db::order_request request{quote, product->id, r.customer_email, std::string(domain::to_string(r.locale)), 0,
                            r.conversation_id, r.fence};
  auto opened = db::open_order_for_hold(conn, r.booking, request, now_seconds());
  if (std::holds_alternative<db::not_found>(opened)) return refused(checkout_refusal::not_found, "no such booking");
  if (std::holds_alternative<db::hold_expired>(opened))
    return refused(checkout_refusal::hold_expired, "the hold ended; hold the slot again");
  if (auto* w = std::get_if<db::wrong_status>(&opened))
    return refused(checkout_refusal::wrong_status, "the booking is " + std::string(domain::to_string(w->status)));
  auto order = std::get<db::order_view>(opened);
  if (!order.checkout_url.empty() || order.status != "open") {
    if (order.status != "open") return refused(checkout_refusal::wrong_status, "the order is " + order.status);
    return {std::move(order), {}};
  }
  return create_session(ctx, conn, std::move(order), quote, {r.customer_email, r.locale});
}

checkout_answer package_checkout(const context& ctx, db::connection& conn, const package_checkout_request& r) {
  const auto& catalog = *ctx.settings.catalog;
  const auto* product = catalog.find_product(r.product_id);
  if (!product || product->kind != domain::product_kind::package)
    return refused(checkout_refusal::not_found, "no package " + r.product_id);
  domain::quote_request q;
  q.product_id = product->id;
  q.lesson_start = now_seconds();
  q.zone = ctx.settings.zone;
  auto quoted = domain::quote_booking(catalog, q);
  if (auto* e = std::get_if<domain::pricing_error>(&quoted)) return refused(checkout_refusal::not_found, e->message);
  const auto& quote = std::get<domain::quote>(quoted);
  // A package bought in a chat is credited to the chat's student (its Chatwoot contact).
  std::optional<std::string> student;
  if (r.conversation_id) student = db::student_of_conversation(conn, *r.conversation_id);
  if (!student) student = db::ensure_student(conn, r.student_ref, r.customer_email);
  db::order_request request{quote, product->id, r.customer_email, std::string(domain::to_string(r.locale)),
                            product->lessons, r.conversation_id, r.fence};
  auto order = db::open_package_order(conn, *student, request, now_seconds() + std::chrono::hours{1});
  return create_session(ctx, conn, std::move(order), quote, {r.customer_email, r.locale});
}

checkout_answer series_checkout(const context& ctx, db::connection& conn, const series_checkout_request& r) {
  auto series = db::find_series(conn, r.series_id);
  if (!series) return refused(checkout_refusal::not_found, "no such series");
  std::vector<domain::booking> held;
  for (const auto& b : series->bookings)
    if (b.status == domain::booking_status::held) held.push_back(b);
  if (held.empty()) {
    const bool lapsed = std::any_of(series->bookings.begin(), series->bookings.end(),
                                    [](const auto& b) { return b.status == domain::booking_status::expired; });
    if (lapsed) return refused(checkout_refusal::hold_expired, "the series' holds ended; plan it again");
    return refused(checkout_refusal::wrong_status, "the series has no lesson waiting for payment");
  }
  std::vector<std::chrono::sys_seconds> starts;
  for (const auto& b : held) starts.push_back(b.lesson_start);
  auto quoted = domain::quote_series(*ctx.settings.catalog, held.front().product_id, starts, ctx.settings.zone);
  if (auto* e = std::get_if<domain::pricing_error>(&quoted)) return refused(checkout_refusal::not_found, e->message);
  const auto& quote = std::get<domain::quote>(quoted);
  if (!quote.payment_required) return refused(checkout_refusal::nothing_to_pay, "these lessons cost nothing");
  const auto shares = domain::series_lesson_shares(quote, held.size());
  std::vector<db::priced_lesson> lessons;
  for (std::size_t i = 0; i < held.size(); ++i) lessons.push_back({held[i].id, shares[i]});
  // A package's price names the package; lessons priced one by one name the lesson.
  const auto& charged_product = quote.lines.size() == 1 ? quote.lines.front().product_id : held.front().product_id;
  db::order_request request{quote, charged_product, r.customer_email, std::string(domain::to_string(r.locale)), 0,
                            r.conversation_id, r.fence};
  auto opened = db::open_order_for_series(conn, r.series_id, lessons, request, now_seconds());
  if (std::holds_alternative<db::not_found>(opened)) return refused(checkout_refusal::not_found, "no such series");
  if (std::holds_alternative<db::hold_expired>(opened))
    return refused(checkout_refusal::hold_expired, "the series' holds ended; plan it again");
  if (std::holds_alternative<db::wrong_status>(opened))
    return refused(checkout_refusal::wrong_status, "the series' lessons changed; ask again");
  auto order = std::get<db::order_view>(opened);
  if (order.status == "expired" || order.status == "failed")
    return refused(checkout_refusal::hold_expired, "the series' payment " + order.status + "; plan it again");
  if (order.status != "open") return refused(checkout_refusal::wrong_status, "the order is " + order.status);
  if (!order.checkout_url.empty()) return {std::move(order), {}};
  return create_session(ctx, conn, std::move(order), quote, {r.customer_email, r.locale});
}

// ---- Inbox ----------------------------------------------------------------------------

// An event whose processing throws (a bug, data the code does not expect) is retried with
// backoff, then parked for staff; either way the events behind it are processed.
constexpr int attempts_before_parking = 8;

void record_failure(const context& ctx, db::connection& conn, const db::inbox_event& stored, const std::string& type,
                    const std::string& error) {
  const bool park = stored.attempts >= attempts_before_parking;
  ctx.metrics.events.Add({{"type", type}, {"outcome", park ? "parked" : "failed"}}).Increment();
  if (park) {
    db::park_event(conn, stored.id, error);
    obs::log_error("stripe_event_parked",
                   {{"event_id", stored.event_id}, {"type", type}, {"error", error}, {"attempt", stored.attempts}});
    return;
  }
  auto wait = std::chrono::ceil<std::chrono::seconds>(net::backoff_ceiling(defer_backoff, stored.attempts - 1));
  db::defer_event(conn, stored.id, error, wait);
  obs::log_error("stripe_event_failed",
                 {{"event_id", stored.event_id}, {"type", type}, {"error", error}, {"attempt", stored.attempts}});
}

void apply_stored(const context& ctx, db::connection& conn, const db::inbox_event& stored) {
  auto parsed = net::parse_stripe_event(stored.payload);
  if (auto* bad = std::get_if<net::stripe_parse_error>(&parsed)) {
    // Signed by Stripe yet unreadable: no retry will change that. Kept, with the reason.
    ctx.metrics.events.Add({{"type", stored.event_type}, {"outcome", "parked"}}).Increment();
    obs::log_error("stripe_event_unreadable", {{"event_id", stored.event_id}, {"error", bad->message}});
    db::park_event(conn, stored.id, bad->message);
    return;
  }
  const auto& event = std::get<net::stripe_event>(parsed);
  event_verdict verdict;
  try {
    verdict = apply_stripe_event(event, conn, now_seconds());
  } catch (const db::unavailable&) {
    throw;  // not this event's fault: the whole drain waits for the database
  } catch (const std::exception& e) {
    return record_failure(ctx, conn, stored, event.type, e.what());
  }
  ctx.metrics.events.Add({{"type", event.type}, {"outcome", verdict.processed ? "processed" : "deferred"}}).Increment();
  if (verdict.processed) {
    db::mark_processed(conn, stored.id);
    obs::log_info("stripe_event_applied", {{"event_id", event.id}, {"type", event.type}, {"outcome", verdict.outcome}});
  } else {
    auto wait = std::chrono::ceil<std::chrono::seconds>(net::backoff_ceiling(defer_backoff, stored.attempts - 1));
    db::defer_event(conn, stored.id, verdict.outcome, wait);
    obs::log_info("stripe_event_deferred", {{"event_id", event.id}, {"type", event.type},
                                            {"reason", verdict.outcome}, {"attempt", stored.attempts}});
  }
}

void drain_inbox(const context& ctx, db::connection& conn, const std::atomic<bool>& stopping) {
  while (!stopping) {
    auto events = db::lease_inbox(conn, "stripe", 16, std::chrono::seconds{60});
    for (const auto& stored : events) {
      if (stopping) return;
      apply_stored(ctx, conn, stored);
    }
    if (events.size() < 16) return;
  }
}

// ---- Reconciliation -------------------------------------------------------------------

// An open order whose hold has ended: settle it from the session Stripe has.
void settle_open_order(const context& ctx, db::connection& conn, const db::order_view& order) {
  const auto now = now_seconds();
  if (order.session_id.empty()) {
    // No session was ever handed out (a crash before it was stored): nothing can be paid.
    db::record_checkout_ended(conn, order.id, "", false, now);
    return;
  }
  auto session = ctx.call_stripe<net::checkout_result>(
      [&](auto done) { ctx.settings.stripe->retrieve_checkout_session(order.session_id, std::move(done)); });
  if (!session || std::holds_alternative<net::stripe_error>(*session)) return;  // next round
  auto s = std::get<net::checkout_session>(*session);
  if (s.status == net::checkout_status::open) {
    auto expired = ctx.call_stripe<net::checkout_result>([&](auto done) {
      ctx.settings.stripe->expire_checkout_session(order.session_id, "expire-" + order.id, std::move(done));
    });
    if (!expired || std::holds_alternative<net::stripe_error>(*expired)) return;  // paid meanwhile, or later
    s = std::get<net::checkout_session>(*expired);
  }
  if (s.status == net::checkout_status::complete && s.payment_status == net::checkout_payment_status::paid) {
    auto outcome = db::record_paid_checkout(conn, {order.id, s.id, s.payment_intent, s.amount_total}, now);
    obs::log_warn("payment_recovered", {{"order_id", order.id}, {"outcome", std::string(db::to_string(outcome))}});
  } else if (s.status == net::checkout_status::expired) {
    db::record_checkout_ended(conn, order.id, s.id, false, now);
  }
}

// Stores Stripe's recent events like webhooks: one that never arrived is processed all the same.
void fetch_missed_events(const context& ctx, db::connection& conn, const std::atomic<bool>& stopping) {
  net::event_filter filter;
  filter.created_gte = now_seconds() - ctx.settings.event_lookback;
  filter.types = handled_event_types;
  int stored = 0;
  for (int page = 0; page < 20 && !stopping; ++page) {
    auto listed = ctx.call_stripe<net::event_page_result>(
        [&](auto done) { ctx.settings.stripe->list_events(filter, std::move(done)); });
    if (!listed || std::holds_alternative<net::stripe_error>(*listed)) return;
    const auto& events = std::get<net::event_page>(*listed).events;
    for (const auto& e : events)
      if (!e.json.empty() && db::store_webhook(conn, "stripe", e.id, e.type, e.json)) ++stored;
    if (!std::get<net::event_page>(*listed).has_more || events.empty()) break;
    filter.starting_after = events.back().id;
  }
  if (stored > 0) obs::log_warn("stripe_events_recovered", {{"count", stored}});
}

void reconcile(const context& ctx, db::connection& conn, const std::atomic<bool>& stopping) {
  // A grace minute: the hold sweeper and the session's own expiry normally settle these.
  for (const auto& order : db::open_orders_expired_before(conn, now_seconds() - std::chrono::minutes{1}, 50)) {
    if (stopping) return;
    settle_open_order(ctx, conn, order);
  }
  fetch_missed_events(ctx, conn, stopping);
}

// ---- Actors ---------------------------------------------------------------------------

struct worker_state {
  std::unique_ptr<db::connection> conn;
  static inline const char* name = "payment_worker";
};

void nudge(const context& ctx) {
  if (ctx.settings.outbox) caf::anon_send(ctx.settings.outbox, nudge_atom::value);
}

template <class Work>
void guarded(const char* what, Work&& work) {
  try {
    work();
  } catch (const db::unavailable& e) {
    obs::log_warn("payments_db_unavailable", {{"during", what}, {"error", e.what()}});
  } catch (const std::exception& e) {
    obs::log_error("payments_failed", {{"during", what}, {"error", e.what()}});
  }
}

caf::behavior checkout_worker(caf::stateful_actor<worker_state>* self, std::shared_ptr<const context> ctx) {
  self->state.conn = std::make_unique<db::connection>(ctx->settings.database_url);
  auto answer = [=](auto&& create) -> checkout_answer {
    checkout_answer a = refused(checkout_refusal::stripe_failed, "the database is unavailable");
    guarded("checkout", [&] { a = create(); });
    const char* outcome = std::holds_alternative<db::order_view>(a.outcome) ? "created" : "refused";
    ctx->metrics.checkouts.Add({{"outcome", outcome}}).Increment();
    return a;
  };
  return {
      [=](checkout_atom, lesson_checkout_request& r) {
        return answer([&] { return lesson_checkout(*ctx, *self->state.conn, r); });
      },
      [=](checkout_atom, package_checkout_request& r) {
        return answer([&] { return package_checkout(*ctx, *self->state.conn, r); });
      },
      [=](checkout_atom, series_checkout_request& r) {
        return answer([&] { return series_checkout(*ctx, *self->state.conn, r); });
      },
  };
}

caf::behavior events_worker(caf::stateful_actor<worker_state>* self, std::shared_ptr<const context> ctx,
                            std::shared_ptr<const std::atomic<bool>> stopping) {
  self->state.conn = std::make_unique<db::connection>(ctx->settings.database_url);
  self->send(self, reconcile_atom::value);  // start-up: recover whatever was left in flight
  self->send(self, tick_atom::value);
  auto drain = [=] {
    guarded("inbox", [&] { drain_inbox(*ctx, *self->state.conn, *stopping); });
    nudge(*ctx);
  };
  return {
      [=](tick_atom) {
        drain();
        self->delayed_send(self, ctx->settings.poll_interval, tick_atom::value);
      },
      [=](nudge_atom) { drain(); },
      [=](reconcile_atom) {
        guarded("reconcile", [&] { reconcile(*ctx, *self->state.conn, *stopping); });
        drain();
        self->delayed_send(self, ctx->settings.reconcile_interval, reconcile_atom::value);
      },
  };
}

struct supervisor_state {
  worker_group group;
  caf::actor events;
  std::size_t next = 0;  // round robin over the checkout workers (group.workers[1..])
  static inline const char* name = "payment_supervisor";
};

payment_supervisor_actor::behavior_type payment_supervisor(
    payment_supervisor_actor::stateful_pointer<supervisor_state> self, std::shared_ptr<const context> ctx) {
  auto& g = self->state.group;
  self->state.events = self->spawn<caf::detached + caf::monitored>(
      events_worker, ctx, std::shared_ptr<const std::atomic<bool>>(g.stopping));
  g.workers.push_back(self->state.events);
  for (int i = 0; i < std::max(1, ctx->settings.checkout_workers); ++i)
    g.workers.push_back(self->spawn<caf::detached + caf::monitored>(checkout_worker, ctx));
  stop_with_workers(self, &supervisor_state::group);
  auto next_checkout_worker = [=] {
    auto& s = self->state;
    return s.group.workers[1 + s.next++ % (s.group.workers.size() - 1)];
  };
  return {
      [=](checkout_atom a, lesson_checkout_request& r) -> caf::result<checkout_answer> {
        auto rp = self->template make_response_promise<checkout_answer>();
        rp.delegate(next_checkout_worker(), a, std::move(r));
        return rp;
      },
      [=](checkout_atom a, package_checkout_request& r) -> caf::result<checkout_answer> {
        auto rp = self->template make_response_promise<checkout_answer>();
        rp.delegate(next_checkout_worker(), a, std::move(r));
        return rp;
      },
      [=](checkout_atom a, series_checkout_request& r) -> caf::result<checkout_answer> {
        auto rp = self->template make_response_promise<checkout_answer>();
        rp.delegate(next_checkout_worker(), a, std::move(r));
        return rp;
      },
      [=](nudge_atom n) { caf::anon_send(self->state.events, n); },
  };
}

}  // namespace

payment_supervisor_actor spawn_payment_supervisor(caf::actor_system& system, payment_settings settings,
                                                  obs::metrics& metrics) {
  return system.spawn(payment_supervisor, std::make_shared<const context>(std::move(settings), metrics));
}

}  // namespace tutorbot::actors
