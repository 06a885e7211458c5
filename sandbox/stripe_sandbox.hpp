#pragma once
// A local, protocol-faithful Stripe: the API subset tutorbot uses (Checkout Sessions,
// Refunds, Events, read-only PaymentIntents and Charges) with Stripe's form-encoded
// parameters, JSON objects, error bodies, Bearer auth and idempotency keys; a stand-in
// for the hosted Checkout page whose buttons pay, decline or expire a session; and signed
// webhook delivery with retries. Stripe's official clients and tutorbot's own talk to it
// with nothing changed but the API base URL.
//
// Routes (all on one port):
//   /v1/...                     the API (see stripe_api_routes.cpp), `Authorization: Bearer sk_test_…`
//   /checkout/{id}[/pay|/fail|/expire]  the hosted page; JSON with `Accept: application/json`
//   /sandbox/stripe/...               knobs and inspection for tests and demos (no auth)
//
// Sandbox rules that Stripe leaves to its servers, chosen here and kept stable:
// - Events carry the account's API version (options.api_version), not the request's.
// - A session past its expires_at expires by itself within expiry_check_interval (Stripe
//   takes up to a few minutes), or at once when its page is opened or paid;
//   advance_clock() moves the sandbox's "now" so tests need not wait 30 minutes.
// - Injected faults (429 / 5xx) hit authenticated API calls only; a bad key still gets 401.
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "net/retry.hpp"
#include "net/router.hpp"
#include "sandbox/stripe_webhooks.hpp"

namespace tutorbot::sandbox {

struct stripe_sandbox_options {
  std::vector<std::string> secret_keys{"sk_test_sandbox"};  // accepted API keys (STRIPE_SECRET_KEY)
  std::string webhook_url;                                   // "" → events are only listed
  std::string webhook_secret = "whsec_sandbox";              // signs deliveries
  net::backoff_policy webhook_retry{std::chrono::milliseconds(250), std::chrono::milliseconds(5000), 6};
  std::chrono::milliseconds webhook_timeout{5000};  // one delivery attempt
  std::chrono::milliseconds expiry_check_interval{1000};
  std::optional<std::uint64_t> seed;  // same seed, same ids and shuffles
  // The account's default API version: the one Stripe's pinned Node client (23.x) sends.
  std::string api_version = "2026-10-28.endive";
};

class stripe_sandbox {
 public:
  explicit stripe_sandbox(stripe_sandbox_options options = {});
  ~stripe_sandbox();  // stops timers and deliveries
  stripe_sandbox(const stripe_sandbox&) = delete;
  stripe_sandbox& operator=(const stripe_sandbox&) = delete;

  void add_routes(net::router& routes);

  // Thread-safe knobs and inspection (also reachable over HTTP under /sandbox/stripe/).
  // The next `count` API calls to `endpoint` ("POST /v1/refunds", "/v1/refunds", a route
  // pattern such as "GET /v1/checkout/sessions/{id}", or "" for any) answer `status`:
  // 429 with Stripe's rate_limit body, 5xx with its api_error body.
  void fail_next(int count, int status, std::string endpoint = {});
  void set_latency(std::chrono::milliseconds latency);  // every API and page answer
  // Answers every call still waiting out the latency now, and later ones without delay.
  // Call before the HTTP server that carries the answers stops: they hold its connections.
  void release_delayed_answers();
  // Moves the sandbox's clock (created, expires_at checks) forward; sessions now due
  // expire on the next sweep, as they would by themselves.
  void advance_clock(std::chrono::seconds by);
  std::chrono::sys_seconds now() const;

  void set_webhook_endpoint(std::string url, std::string secret);
  void set_duplicate_deliveries(bool on);
  void set_out_of_order(int batch);  // hold `batch` deliveries, send them shuffled; ≤1 off
  void drop_next_deliveries(int count);
  void flush_deliveries();           // release held deliveries now
  std::vector<stripe::delivery_record> deliveries() const;
  bool resend_event(const std::string& event_id);  // false when unknown

  // Any object by id (cs_test_…, pi_…, ch_…, re_…, evt_…) as the API shows it.
  std::optional<std::string> object_json(const std::string& id) const;
  int api_requests() const;  // authenticated or not, faults included
  // Those that came with a key to one endpoint ("POST /v1/checkout/sessions").
  int api_requests(const std::string& endpoint) const;

  struct impl;

 private:
  std::shared_ptr<impl> impl_;
};

}  // namespace tutorbot::sandbox
