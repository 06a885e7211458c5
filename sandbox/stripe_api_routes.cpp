// The Stripe API routes: Checkout Sessions, Refunds, Events, and read-only PaymentIntents
// and Charges (what a reconciler follows from a session).
#include "sandbox/stripe_sandbox_impl.hpp"

namespace tutorbot::sandbox {

namespace {

// A retrieve takes no parameters but expand[].
stripe::result only_expand(const stripe_call& call, const std::function<stripe::result()>& get) {
  try {
    stripe::params(call.params).only({"expand"});
  } catch (const stripe::param_error& e) {
    return e.error;
  }
  return get();
}

}  // namespace

void stripe_sandbox::impl::add_api_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  auto add = [&](const std::string& method, const std::string& pattern, api_work work_fn) {
    routes.add(method, pattern, [self, pattern, work_fn](net::server_request&& request, net::respond_fn respond) {
      self->api_call(request, respond, pattern, work_fn);
    });
  };
  auto path = [](const stripe_call& call, const char* name) { return call.request.path_params.at(name); };

  add("POST", "/v1/checkout/sessions", [self](stripe_call& c) {
    return self->store.create_session(c.params, c.page_base, c.now);
  });
  add("GET", "/v1/checkout/sessions", [self](stripe_call& c) { return self->store.list_sessions(c.params); });
  add("GET", "/v1/checkout/sessions/{id}", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.session(path(c, "id")); });
  });
  add("GET", "/v1/checkout/sessions/{id}/line_items", [self, path](stripe_call& c) {
    return self->store.session_line_items(path(c, "id"), c.params);
  });
  add("POST", "/v1/checkout/sessions/{id}/expire", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.expire_session(path(c, "id"), c.origin, c.now); });
  });

  add("POST", "/v1/refunds", [self](stripe_call& c) { return self->store.create_refund(c.params, c.origin, c.now); });
  add("GET", "/v1/refunds", [self](stripe_call& c) { return self->store.list_refunds(c.params); });
  add("GET", "/v1/refunds/{id}", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.refund(path(c, "id")); });
  });

  add("GET", "/v1/payment_intents/{id}", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.payment_intent(path(c, "id")); });
  });
  add("GET", "/v1/charges/{id}", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.charge(path(c, "id")); });
  });

  add("GET", "/v1/events", [self](stripe_call& c) { return self->store.list_events(c.params); });
  add("GET", "/v1/events/{id}", [self, path](stripe_call& c) {
    return only_expand(c, [&] { return self->store.event(path(c, "id")); });
  });
}

}  // namespace tutorbot::sandbox
