#pragma once
// Students and their lesson credit, and the bookings confirmed without a payment: the free
// trial and lessons paid from package credit (bought through db/payments.hpp).
#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "db/bookings.hpp"
#include "db/connection.hpp"
#include "db/fence.hpp"

namespace tutorbot::db {

// Students named by an API caller's reference; created on first use.
std::string ensure_student(connection& conn, const std::string& external_ref, const std::string& email);
long long credit_balance(connection& conn, const std::string& student_id);
// The same by the caller's reference; 0 for a student we do not know.
long long credit_balance_of(connection& conn, const std::string& external_ref);

// Confirms a held booking without Stripe: the free trial (once per student, by the database)
// or one lesson from package credit (never below zero, by the database).
enum class free_kind { trial, credit };
struct trial_already_used {};
struct no_credit {};
using free_confirm_result =
    std::variant<domain::booking, not_found, hold_expired, wrong_status, trial_already_used, no_credit>;
free_confirm_result confirm_without_payment(connection& conn, const domain::booking_id& booking,
                                            const std::string& student_id, free_kind kind, std::chrono::sys_seconds now,
                                            const std::optional<conversation_fence>& fence = {});

}  // namespace tutorbot::db
