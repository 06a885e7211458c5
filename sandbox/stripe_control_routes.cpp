// Knobs and inspection under /sandbox/stripe/ for tests and demos; not Stripe's, and without auth
// like the rest of the sandbox's extras. Bodies and answers are JSON.
#include <boost/json/serialize.hpp>

#include "sandbox/control_routes.hpp"
#include "sandbox/stripe_objects.hpp"
#include "sandbox/stripe_sandbox_impl.hpp"

namespace tutorbot::sandbox {

namespace json = boost::json;

namespace {

using control::bad_request;
using control::body_object;

std::optional<std::int64_t> int_field(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || !v->is_int64()) return std::nullopt;
  return v->as_int64();
}

net::server_response ok(const json::object& body) { return net::server_response::json(200, json::serialize(body)); }

json::object settings_json(const stripe::webhook_settings& s) {
  // The secret stays out of answers (design §4.6); whether one is set is enough.
  return {{"url", s.url},
          {"secret_set", !s.secret.empty()},
          {"duplicate", s.duplicate},
          {"out_of_order_batch", s.out_of_order_batch},
          {"drop_next", s.drop_next}};
}

json::object delivery_json(const stripe::delivery_record& d) {
  json::array attempts;
  for (const auto& a : d.attempts)
    attempts.push_back(json::object{{"status", a.status}, {"error", stripe::text_or_null(a.error)}, {"at", a.at}});
  return {{"event_id", d.event_id},     {"event_type", d.event_type}, {"duplicate", d.duplicate},
          {"outcome", d.outcome},       {"sent_order", d.sent_order}, {"attempts", std::move(attempts)}};
}

}  // namespace

void stripe_sandbox::impl::add_control_routes(net::router& routes, const std::shared_ptr<impl>& self) {
  // {"count": 2, "status": 429, "endpoint": "POST /v1/checkout/sessions"}; endpoint optional.
  routes.add("POST", "/sandbox/stripe/faults", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto count = body ? int_field(*body, "count") : std::nullopt;
    const auto status = body ? int_field(*body, "status") : std::nullopt;
    const auto* endpoint = body ? body->if_contains("endpoint") : nullptr;
    if (!count || !status || *status < 400 || *status > 599 || (endpoint && !endpoint->is_string()))
      return respond(bad_request(R"({"count": N, "status": 429 or 5xx, "endpoint": "POST /v1/refunds"})"));
    std::string target = endpoint ? std::string(endpoint->as_string()) : std::string{};
    std::lock_guard lock(self->mutex);
    std::erase_if(self->faults, [&](const fault_rule& r) { return r.endpoint == target; });
    if (*count > 0) self->faults.push_back({static_cast<int>(*count), static_cast<int>(*status), target});
    respond(ok({{"count", *count}, {"status", *status}, {"endpoint", target}}));
  });

  routes.add("POST", "/sandbox/stripe/latency", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto ms = body ? int_field(*body, "ms") : std::nullopt;
    if (!ms || *ms < 0) return respond(bad_request(R"({"ms": N})"));
    std::lock_guard lock(self->mutex);
    self->latency = std::chrono::milliseconds(*ms);
    respond(ok({{"ms", *ms}}));
  });

  auto clock_json = [](const impl& s) {
    return json::object{{"now", stripe::unix_seconds(s.now_locked())}, {"offset_seconds", s.clock_offset.count()}};
  };
  routes.add("GET", "/sandbox/stripe/clock", [self, clock_json](net::server_request&&, net::respond_fn respond) {
    std::lock_guard lock(self->mutex);
    respond(ok(clock_json(*self)));
  });
  // {"advance_seconds": 90000}: due sessions expire on the next sweep.
  routes.add("POST", "/sandbox/stripe/clock", [self, clock_json](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    const auto by = body ? int_field(*body, "advance_seconds") : std::nullopt;
    if (!by || *by < 0) return respond(bad_request(R"({"advance_seconds": N})"));
    std::lock_guard lock(self->mutex);
    self->clock_offset += std::chrono::seconds(*by);
    respond(ok(clock_json(*self)));
  });

  routes.add("GET", "/sandbox/stripe/webhooks", [self](net::server_request&&, net::respond_fn respond) {
    respond(ok(settings_json(self->webhooks->settings())));
  });
  // Any of {"url", "secret", "duplicate": bool, "out_of_order_batch": N, "drop_next": N}.
  routes.add("POST", "/sandbox/stripe/webhooks", [self](net::server_request&& request, net::respond_fn respond) {
    auto body = body_object(request.body);
    if (!body) return respond(bad_request("a JSON object"));
    const auto* url = body->if_contains("url");
    const auto* secret = body->if_contains("secret");
    const auto* duplicate = body->if_contains("duplicate");
    const auto batch = int_field(*body, "out_of_order_batch");
    const auto drop = int_field(*body, "drop_next");
    if ((url && !url->is_string()) || (secret && !secret->is_string()) || (duplicate && !duplicate->is_bool()) ||
        (body->contains("out_of_order_batch") && !batch) || (body->contains("drop_next") && !drop))
      return respond(bad_request(
          R"({"url": "http://…", "secret": "whsec_…", "duplicate": true, "out_of_order_batch": N, "drop_next": N})"));
    if (url || secret) {
      const auto current = self->webhooks->settings();
      const std::string new_url = url ? std::string(url->as_string()) : current.url;
      {
        std::lock_guard lock(self->mutex);
        self->store.set_webhook_endpoints(new_url.empty() ? 0 : 1);
      }
      self->webhooks->set_endpoint(new_url, secret ? std::string(secret->as_string()) : current.secret);
    }
    if (duplicate) self->webhooks->set_duplicate(duplicate->as_bool());
    if (batch) self->webhooks->set_out_of_order(static_cast<int>(*batch));
    if (drop) self->webhooks->drop_next(static_cast<int>(*drop));
    respond(ok(settings_json(self->webhooks->settings())));
  });
  routes.add("POST", "/sandbox/stripe/webhooks/flush", [self](net::server_request&&, net::respond_fn respond) {
    self->webhooks->flush();
    respond(ok(settings_json(self->webhooks->settings())));
  });

  // ?event=evt_… narrows the list to one event's deliveries.
  routes.add("GET", "/sandbox/stripe/deliveries", [self](net::server_request&& request, net::respond_fn respond) {
    const auto event = request.query_param("event");
    json::array data;
    for (const auto& d : self->webhooks->deliveries())
      if (!event || d.event_id == *event) data.push_back(delivery_json(d));
    respond(ok({{"object", "list"}, {"data", std::move(data)}}));
  });

  routes.add("POST", "/sandbox/stripe/events/{id}/resend", [self](net::server_request&& request, net::respond_fn respond) {
    const auto& id = request.path_params.at("id");
    std::optional<json::object> event;
    {
      std::lock_guard lock(self->mutex);
      event = self->store.find(id);
    }
    if (!event || !id.starts_with("evt_"))
      return respond(net::server_response::error(404, "not_found", "no event " + id));
    self->webhooks->resend({id, std::string(event->at("type").as_string()), json::serialize(*event)});
    respond(ok({{"resent", id}}));
  });
}

}  // namespace tutorbot::sandbox
