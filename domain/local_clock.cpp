#include "domain/local_clock.hpp"

namespace tutorbot::domain {

using namespace std::chrono;

void local_clock::load(sys_seconds t) {
  current_ = zone_->get_info(t);
  // The first and last periods of a zone reach to the ends of time; do not step past.
  constexpr auto far = sys_days{year{2400} / 1 / 1};
  constexpr auto near = sys_days{year{1800} / 1 / 1};
  has_previous_ = current_.begin > near;
  has_next_ = current_.end < far;
  if (has_previous_) previous_ = zone_->get_info(current_.begin - seconds{1});
  if (has_next_) next_ = zone_->get_info(current_.end);
  loaded_ = true;
}

void local_clock::enter_day(date::local_seconds midnight) {
  const auto inside = [&](sys_seconds s) { return current_.begin <= s && s < current_.end; };
  const auto at = [](date::local_seconds l, seconds offset) {
    return sys_seconds{l.time_since_epoch()} - offset;
  };
  if (!loaded_ || !inside(at(midnight, current_.offset))) load(at(midnight, current_.offset));
  const auto end_of_day = midnight + days{1};
  // Uniform when the whole day, 24:00 included, lies in one period, and neither the
  // period before nor the one after shows any of its wall-clock times (a fall-back
  // repeats local times of the neighbouring period).
  uniform_ = inside(at(midnight, current_.offset)) && inside(at(end_of_day, current_.offset)) &&
             (!has_previous_ ||
              current_.begin + previous_.offset <= sys_seconds{midnight.time_since_epoch()}) &&
             (!has_next_ || next_.begin + next_.offset > sys_seconds{end_of_day.time_since_epoch()});
  offset_ = current_.offset;
}

}  // namespace tutorbot::domain
