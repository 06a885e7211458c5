#include "sandbox/chatwoot_sandbox.hpp"

#include <stdexcept>

#include <boost/json/serialize.hpp>

#include "sandbox/chatwoot_sandbox_impl.hpp"

namespace tutorbot::sandbox {

namespace json = boost::json;
using chatwoot::sender_kind;

namespace {

chatwoot::store_settings store_settings_of(const chatwoot_sandbox_options& o) {
  chatwoot::store_settings s;
  s.account_id = o.account_id;
  s.account_name = o.account_name;
  s.lock_to_single_conversation = o.lock_to_single_conversation;
  s.seed = o.seed;
  return s;
}

}  // namespace

chatwoot_sandbox::impl::impl(chatwoot_sandbox_options o)
    : options(std::move(o)), store(store_settings_of(options)), work(io.get_executor()) {}

void chatwoot_sandbox::impl::start(const std::shared_ptr<impl>& self) {
  std::weak_ptr<impl> weak = self;
  chatwoot::webhook_settings settings;
  settings.url = options.webhook_url;
  settings.token = options.webhook_token;
  settings.secret = options.signing_secret;
  settings.retry_delay = options.webhook_retry_delay;
  // Seeded differently from the store so that delivery ids do not shift message ids.
  std::optional<std::uint64_t> seed;
  if (options.seed) seed = *options.seed + 1;
  webhooks = std::make_shared<chatwoot::webhook_dispatcher>(
      io, settings, options.webhook_timeout, seed, [weak](const chatwoot::delivery_record& failed) {
        auto s = weak.lock();
        if (!s || !s->options.open_on_bot_failure || failed.event != "message_created") return;
        std::vector<chatwoot::pending_webhook> made;
        s->locked(
            [&](chatwoot::instant now) {
              if (!s->stopped) s->store.bot_webhook_failed(failed.message_id, now);
              return 0;
            },
            made);
        s->deliver(std::move(made));
      });
  thread = std::thread([this] { io.run(); });
}

void chatwoot_sandbox::impl::stop() {
  {
    std::lock_guard lock(mutex);
    if (stopped) return;
    stopped = true;
  }
  webhooks->shutdown();
  work.reset();
  io.stop();
  thread.join();
  webhooks->release_client();
}

chatwoot::instant chatwoot_sandbox::impl::now_locked() const {
  return std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now()) + clock_offset;
}

void chatwoot_sandbox::impl::deliver(std::vector<chatwoot::pending_webhook> made) {
  if (made.empty()) return;
  std::vector<chatwoot::outgoing_webhook> out;
  for (auto& w : made) out.push_back({w.event, json::serialize(w.payload), w.message_id, w.conversation_id});
  webhooks->enqueue(out);
}

chatwoot_sandbox::chatwoot_sandbox(chatwoot_sandbox_options options)
    : impl_(std::make_shared<impl>(std::move(options))) {
  impl_->start(impl_);
}

chatwoot_sandbox::~chatwoot_sandbox() { impl_->stop(); }

void chatwoot_sandbox::add_routes(net::router& routes) {
  impl_->add_api_routes(routes, impl_);
  impl_->add_control_routes(routes, impl_);
}

chatwoot::opened_conversation chatwoot_sandbox::open_conversation(const std::string& phone, const std::string& name,
                                                                  const std::string& email) {
  std::vector<chatwoot::pending_webhook> made;
  auto opened = impl_->locked(
      [&](chatwoot::instant now) { return impl_->store.open_conversation(phone, name, email, now); }, made);
  impl_->deliver(std::move(made));
  if (auto* problem = std::get_if<std::string>(&opened)) throw std::invalid_argument(*problem);
  return std::get<chatwoot::opened_conversation>(opened);
}

std::optional<chatwoot::incoming_result> chatwoot_sandbox::student_writes(std::int64_t conversation_id,
                                                                          const std::string& content) {
  std::vector<chatwoot::pending_webhook> made;
  auto written = impl_->locked(
      [&](chatwoot::instant now) { return impl_->store.incoming(conversation_id, content, now); }, made);
  impl_->deliver(std::move(made));
  return written;
}

std::optional<chatwoot::incoming_result> chatwoot_sandbox::student_sends(std::int64_t conversation_id,
                                                                         const std::string& attachment,
                                                                         const std::string& caption) {
  std::vector<chatwoot::pending_webhook> made;
  auto written = impl_->locked(
      [&](chatwoot::instant now) { return impl_->store.incoming(conversation_id, caption, now, attachment); }, made);
  impl_->deliver(std::move(made));
  return written;
}

bool chatwoot_sandbox::make_undeliverable(std::int64_t conversation_id) {
  std::lock_guard lock(impl_->mutex);
  return impl_->store.make_undeliverable(conversation_id);
}

std::optional<std::int64_t> chatwoot_sandbox::agent_writes(std::int64_t conversation_id, const std::string& content,
                                                           bool is_private) {
  std::vector<chatwoot::pending_webhook> made;
  const json::object params{{"content", content}, {"message_type", "outgoing"}, {"private", is_private}};
  auto written = impl_->locked(
      [&](chatwoot::instant now) {
        const chatwoot::sender_ref agent{sender_kind::user, impl_->store.settings().user_id};
        return impl_->store.create_message(conversation_id, params, agent, now);
      },
      made);
  impl_->deliver(std::move(made));
  if (auto* answer = std::get_if<json::value>(&written)) return answer->at("id").as_int64();
  return std::nullopt;
}

bool chatwoot_sandbox::set_status(std::int64_t conversation_id, const std::string& status) {
  if (status != "open" && status != "pending" && status != "resolved" && status != "snoozed") return false;
  std::vector<chatwoot::pending_webhook> made;
  auto changed = impl_->locked(
      [&](chatwoot::instant now) {
        const chatwoot::sender_ref agent{sender_kind::user, impl_->store.settings().user_id};
        return impl_->store.toggle_status(conversation_id, json::object{{"status", status}}, agent, now);
      },
      made);
  impl_->deliver(std::move(made));
  return std::holds_alternative<json::value>(changed);
}

std::optional<chatwoot::transcript> chatwoot_sandbox::transcript(std::int64_t conversation_id) const {
  std::lock_guard lock(impl_->mutex);
  return impl_->store.transcript_of(conversation_id);
}

std::optional<std::string> chatwoot_sandbox::conversation_json(std::int64_t conversation_id) const {
  std::lock_guard lock(impl_->mutex);
  auto shown = impl_->store.show_conversation(conversation_id, impl_->now_locked());
  if (auto* value = std::get_if<json::value>(&shown)) return json::serialize(*value);
  return std::nullopt;
}

std::vector<chatwoot_api_call> chatwoot_sandbox::calls() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->calls;
}

std::vector<chatwoot::delivery_record> chatwoot_sandbox::deliveries() const { return impl_->webhooks->deliveries(); }

void chatwoot_sandbox::set_webhook_endpoint(std::string url, std::string token, std::string secret) {
  impl_->webhooks->set_endpoint(std::move(url), std::move(token), std::move(secret));
}

void chatwoot_sandbox::drop_next_webhooks(int count) { impl_->webhooks->drop_next(count); }

void chatwoot_sandbox::fail_next(int count, int status) {
  std::lock_guard lock(impl_->mutex);
  impl_->failures_left = count;
  impl_->failure_status = status;
}

void chatwoot_sandbox::release_delayed_answers() { impl_->delayed.release(); }

void chatwoot_sandbox::set_latency(std::chrono::milliseconds latency) {
  std::lock_guard lock(impl_->mutex);
  impl_->latency = latency;
}

void chatwoot_sandbox::impl::answer(const net::respond_fn& respond, net::server_response response) {
  std::chrono::milliseconds delay;
  {
    std::lock_guard lock(mutex);
    delay = stopped ? std::chrono::milliseconds{0} : latency;
  }
  delayed.answer(delay, respond, std::move(response));
}

void chatwoot_sandbox::set_legacy_sender(bool on) {
  std::lock_guard lock(impl_->mutex);
  impl_->store.set_legacy_sender(on);
}

void chatwoot_sandbox::advance_clock(std::chrono::seconds by) {
  std::lock_guard lock(impl_->mutex);
  impl_->clock_offset += by;
}

chatwoot::instant chatwoot_sandbox::now() const {
  std::lock_guard lock(impl_->mutex);
  return impl_->now_locked();
}

}  // namespace tutorbot::sandbox
