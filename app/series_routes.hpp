#pragma once
// The series routes of the bookings API: weekly and bi-weekly lessons booked, shown and
// cancelled as one.
#include "app/api_routes.hpp"
#include "net/router.hpp"

namespace tutorbot::app {

// POST /api/v1/series: plans the series against the tutor's calendar and holds every lesson of
// the plan in one transaction: 201 with the series, its lessons and what the plan left out or
// moved; 409 naming the clashes when on_clash is reject or no lesson fits.
net::handler_fn book_series(const api_context& ctx);
// GET /api/v1/series/{id}
net::handler_fn show_series(const api_context& ctx);
// POST /api/v1/series/{id}/confirm {staff, reason}: a staff override for the whole series (paid at
// the desk): every held lesson confirmed in one transaction; 409 when its holds expired.
net::handler_fn confirm_series(const api_context& ctx);
// DELETE /api/v1/series/{id}?from=YYYY-MM-DD: cancels the lessons from that date on, each under
// the cancellation policy.
net::handler_fn cancel_series(const api_context& ctx);

}  // namespace tutorbot::app
