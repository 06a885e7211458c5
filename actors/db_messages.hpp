#pragma once
// The database's answers that travel in actor messages (a db_job's result, a calendar's
// answer), allowed as CAF message types here, once each: db/ knows nothing of CAF.
#include <optional>

#include <caf/allowed_unsafe_message_type.hpp>

#include "db/booking_students.hpp"
#include "db/bookings.hpp"
#include "db/conversations.hpp"
#include "db/credit.hpp"
#include "db/idempotency.hpp"
#include "db/payments.hpp"
#include "db/series.hpp"

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::hold_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::transition_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::conversation_row)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::student_facts)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::claim_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::free_confirm_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::idempotency_claim)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<tutorbot::db::order_view>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<tutorbot::db::booking_with_student>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::series_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::optional<tutorbot::db::stored_series>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(tutorbot::db::series_confirm_result)
