#pragma once
// dialogue_state <-> JSON, for the conversation actor to persist after every step and
// restore after a restart or passivation. Versioned: {"version": 1, …}. A state written
// by another version (or damaged) is an error value; the actor then starts the
// conversation afresh rather than guess.

#include <string>
#include <string_view>
#include <variant>

#include <boost/json/value.hpp>

#include "domain/dialogue.hpp"

namespace tutorbot::domain {

inline constexpr int dialogue_state_version = 1;

struct state_json_error {
  std::string message;  // what was wrong, for the log
};

using state_json_result = std::variant<dialogue_state, state_json_error>;

boost::json::value to_json(const dialogue_state& state);
std::string serialize_dialogue_state(const dialogue_state& state);

state_json_result dialogue_state_from_json(const boost::json::value& json);
state_json_result parse_dialogue_state(std::string_view json_text);

}  // namespace tutorbot::domain
