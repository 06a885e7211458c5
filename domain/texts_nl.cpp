// The Dutch catalog: the school's default language. Informal "je", short sentences,
// as a friendly front desk writes on WhatsApp.
#include "domain/texts.hpp"

namespace tutorbot::domain::detail {

namespace {

text_catalog make() {
  text_catalog t{};
  auto set = [&t](msg id, std::string_view text) { t[static_cast<std::size_t>(id)] = text; };
  set(msg::greeting, "Hoi! 👋 Ik ben de boekingsassistent van de bijlesschool. Waarmee kan ik je helpen?");
  set(msg::greeting_named, "Hoi {name}! 👋 Ik ben de boekingsassistent van de bijlesschool. Waarmee kan ik je helpen?");
  set(msg::menu_prompt, "Waarmee kan ik je helpen?");
  set(msg::menu_trial, "Proefles (gratis)");
  set(msg::menu_book, "Les boeken");
  set(msg::menu_my_lessons, "Mijn lessen");
  set(msg::menu_prices, "Prijzen & pakketten");
  set(msg::menu_human, "Medewerker");
  set(msg::opt_menu, "Menu");

  set(msg::intake_known, "Dit heb ik al van je:\n{fields}\n\nKlopt dit? Antwoord *ja*, of *wijzig* met het veld erachter (bijv. _wijzig e-mail_).");
  set(msg::opt_yes, "Ja, klopt");
  set(msg::opt_change, "Wijzig");
  set(msg::ask_which_field, "Welk gegeven wil je wijzigen?");
  set(msg::field_student_name, "Naam leerling");
  set(msg::field_writer, "Wie schrijft");
  set(msg::field_level, "Niveau en leerjaar");
  set(msg::field_subject, "Vak");
  set(msg::field_goals, "Doel");
  set(msg::field_email, "E-mail");
  set(msg::field_student_email, "E-mail leerling");
  set(msg::writer_student, "Leerling");
  set(msg::writer_parent, "Ouder");
  set(msg::ask_student_name, "Wat is de naam van de leerling?");
  set(msg::ask_writer, "Schrijf je als leerling of als ouder?");
  set(msg::ask_level, "Op welk niveau en in welk leerjaar zit de leerling? (bijv. _havo 4_)");
  set(msg::ask_subject, "Voor welk vak zoek je bijles?");
  set(msg::ask_goals, "Wat wil je met de lessen bereiken? (bijv. _een voldoende voor de toets_)");
  set(msg::ask_email, "Wat is je e-mailadres?");
  set(msg::ask_student_email, "Heeft {student} een eigen e-mailadres? Stuur het, of kies *Geen eigen adres*.");
  set(msg::opt_no_own_email, "Geen eigen adres");
  set(msg::no_own_email, "geen eigen adres");
  set(msg::invalid_email, "Dat lijkt geen geldig e-mailadres. Probeer het nog eens (bijv. naam@voorbeeld.nl).");

  set(msg::ask_duration, "Hoe lang moet de les duren?");
  set(msg::opt_duration, "{minutes} min – {price}");
  set(msg::ask_tutor, "Bij wie wil je les?");
  set(msg::opt_any_tutor, "Maakt niet uit");
  set(msg::slots_intro, "Deze tijden zijn vrij. Kies er een, typ *meer* voor andere tijden, of typ een dag (bijv. _dinsdag_, _morgen_, _12-03_, _za ochtend_).");
  set(msg::slots_intro_filtered, "Deze tijden zijn vrij {filter}. Kies er een, typ *meer* voor andere tijden, of typ een andere dag.");
  set(msg::opt_more, "Meer tijden");
  set(msg::no_slots, "Ik vind helaas geen vrije tijden in de komende weken. Typ een dag, of spreek een medewerker.");
  set(msg::no_slots_filtered, "Helaas is er {filter} niets vrij. Typ een andere dag, of bekijk alle dagen.");
  set(msg::opt_all_days, "Alle dagen");
  set(msg::no_more_slots, "Meer vrije tijden heb ik niet in deze periode. Kies een van deze tijden of typ een andere dag.");
  set(msg::holding, "Ik reserveer {slot} met {tutor} voor je…");
  set(msg::slot_taken, "Helaas, die tijd is net door iemand anders gereserveerd. Ik zoek nieuwe tijden voor je.");
  set(msg::pay_choice, "Je hebt nog {credits} les(sen) tegoed. Hoe wil je deze les betalen?");
  set(msg::opt_pay_credit, "Betalen met tegoed");
  set(msg::opt_pay_online, "Online betalen");
  set(msg::payment_link, "*{product}*\n{slot} met {tutor}\nTotaal: {total} ({vat}){discount}\n\nBetaal hier met iDEAL of je kaart:\n{url}\n\nIk houd de tijd tot {expires} voor je vast.");
  set(msg::package_payment_link, "*{product}*\nTotaal: {total} ({vat})\n\nBetaal hier met iDEAL of je kaart:\n{url}\n\nDe link is geldig tot {expires}.");
  set(msg::weekend_discount_note, "\nInclusief {percent}% weekendkorting.");
  set(msg::vat_exempt, "vrijgesteld van btw");
  set(msg::vat_rate, "incl. {rate}% btw");
  set(msg::payment_received, "Betaling ontvangen, dank je wel! Ik zet de les nu in de agenda…");
  set(msg::package_paid, "Betaling ontvangen, dank je wel! Je hebt nu {credits} lessen tegoed. Zullen we meteen een les inplannen?");
  set(msg::opt_book_now, "Les inplannen");
  set(msg::opt_later, "Later");
  set(msg::booking_confirmed, "Je les staat vast ✅\n{when} met {tutor}.{mail_note}\n\nTyp *menu* als je nog iets wilt.");
  set(msg::trial_confirmed, "Je proefles staat vast ✅\n{when} met {tutor}.{mail_note}\n\nTot dan!");
  set(msg::credit_confirmed, "Je les staat vast ✅\n{when} met {tutor}.\n\nBetaald met tegoed; je hebt nog {credits} les(sen) over.{mail_note}");
  set(msg::payment_failed, "De betaling is niet gelukt. Je tijd blijft nog even voor je gereserveerd. Wat wil je doen?");
  set(msg::opt_retry, "Opnieuw betalen");
  set(msg::opt_other_time, "Andere tijd");
  set(msg::payment_expired, "De betaallink is verlopen, dus ik heb de tijd weer vrijgegeven. Zal ik nieuwe tijden zoeken?");
  set(msg::opt_new_times, "Nieuwe tijden");
  set(msg::trial_used, "Je hebt al een proefles gehad; die is eenmalig. Je kunt wel meteen een les boeken.");
  set(msg::trial_unavailable, "Proeflessen bieden we op dit moment niet aan. Je kunt wel meteen een les boeken.");

  set(msg::no_lessons, "Je hebt geen geplande lessen.");
  set(msg::my_lessons_intro, "Je komende lessen:\n{lessons}\n\nKies er een om te verzetten of te annuleren.");
  set(msg::lesson_line, "{slot} met {tutor}");
  set(msg::lesson_actions, "Je les op {when} met {tutor}. Wat wil je doen?");
  set(msg::series_line, "{next} met {tutor}, en daarna nog {more} vaste les(sen)");
  set(msg::series_actions, "Je vaste lessen met {tutor}:\n{lessons}\n\nWil je één les verzetten of annuleren, of de rest van de reeks annuleren?");
  set(msg::opt_one_of_series, "Eén les");
  set(msg::opt_cancel_rest, "De rest annuleren");
  set(msg::series_pick, "Welke les?");
  set(msg::cancel_rest_confirm_refund, "Als je de {count} lessen vanaf {when} nu annuleert, krijg je {amount} terug (per les volgens de annuleringsregels). Weet je het zeker?");
  set(msg::cancel_rest_confirm_no_refund, "Als je de {count} lessen vanaf {when} nu annuleert, krijg je geen geld terug. Weet je het zeker?");
  set(msg::series_kept, "Prima, je vaste lessen blijven zoals ze zijn.");
  set(msg::series_rest_cancelled, "Je vaste lessen vanaf {when} zijn geannuleerd.");
  set(msg::series_rest_cancelled_refund, "Je vaste lessen vanaf {when} zijn geannuleerd. De terugbetaling van {amount} is onderweg.");
  set(msg::opt_reschedule, "Verzetten");
  set(msg::opt_cancel, "Annuleren");
  set(msg::opt_back, "Terug");
  set(msg::cancel_confirm_refund, "Als je nu annuleert, krijg je {amount} terug ({percent}%). Weet je het zeker?");
  set(msg::cancel_confirm_no_refund, "Deze les begint over minder dan {hours} uur, dus bij annuleren krijg je geen geld terug. Weet je het zeker?");
  set(msg::cancel_confirm_credit, "Als je nu annuleert, krijg je de les terug als tegoed. Weet je het zeker?");
  set(msg::cancel_confirm_free, "Weet je zeker dat je deze les wilt annuleren?");
  set(msg::opt_cancel_yes, "Ja, annuleren");
  set(msg::opt_cancel_no, "Nee, houden");
  set(msg::cancelled, "Je les op {when} is geannuleerd.");
  set(msg::cancelled_refund_pending, "Je les op {when} is geannuleerd. De terugbetaling van {amount} is onderweg.");
  set(msg::cancelled_credit, "Je les op {when} is geannuleerd. De les staat weer als tegoed voor je klaar.");
  set(msg::refund_done, "{amount} is teruggestort. Het staat binnen 5 tot 10 werkdagen op je rekening.");
  set(msg::reschedule_too_late, "Verzetten kan tot {hours} uur voor de les. Wil je een medewerker spreken?");
  set(msg::reschedule_pick, "Naar welke tijd wil je de les met {tutor} verzetten?");
  set(msg::rescheduled, "Je les is verzet ✅\nNieuwe tijd: {when} met {tutor}.{mail_note}");
  set(msg::kept, "Prima, je les blijft staan.");

  set(msg::prices_title, "*Prijzen* (wat je betaalt, incl. eventuele btw)");
  set(msg::price_line, "{name}: {price}");
  set(msg::price_line_package, "{name}: {price} ({per} per les)");
  set(msg::price_line_trial, "{name}: gratis, eenmalig");
  set(msg::prices_vat_exempt, "Bijles is vrijgesteld van btw.");
  set(msg::prices_vat_taxed, "{name} is inclusief {rate}% btw.");
  set(msg::prices_weekend, "Op zaterdag en zondag krijg je {percent}% weekendkorting op losse lessen.");
  set(msg::prices_prompt, "Met een pakket betaal je één keer en plan je de lessen daarna in met je tegoed.");
  set(msg::opt_package, "Pakket {lessons} lessen");

  set(msg::filter_on, "op {day}");
  set(msg::filter_morning, "in de ochtend");
  set(msg::filter_afternoon, "in de middag");
  set(msg::filter_evening, "in de avond");
  set(msg::weekday_names, "zondag|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag");

  set(msg::please_wait, "Een moment, ik ben ermee bezig…");
  set(msg::processing_failed, "Sorry, ik kan je bericht nu niet goed verwerken.");
  set(msg::handoff, "Ik geef je door aan een medewerker. We reageren zo snel mogelijk (ma–vr 9:00–17:00).");
  set(msg::handoff_back, "Ik ben er weer! Waarmee kan ik je helpen?");
  set(msg::help, "Ik help je met het boeken van bijles. Je kunt altijd typen:\n*menu* – terug naar het begin\n*stop* – stoppen\n*medewerker* – een mens spreken\n*english* – continue in English");
  set(msg::stopped, "Oké, ik stop hier. Typ *menu* als je verder wilt.");
  set(msg::not_understood, "Sorry, dat begreep ik niet.");
  set(msg::offer_human, "Het lukt nog niet zo goed. Wil je een medewerker spreken?");
  set(msg::unsupported, "Ik kan alleen tekstberichten lezen. Typ je antwoord of kies een optie.");
  set(msg::idle_released, "Ik heb een tijdje niets van je gehoord, dus ik heb de gereserveerde tijd weer vrijgegeven. Typ *menu* om opnieuw te beginnen.");
  set(msg::idle, "Ik heb een tijdje niets van je gehoord. Typ *menu* als je verder wilt.");
  set(msg::language_switched, "Prima, we gaan verder in het Nederlands.");
  set(msg::any_tutor_name, "een van onze docenten");
  set(msg::invite_summary, "Bijles {subject} met {tutor}");
  set(msg::invite_summary_no_subject, "Bijles met {tutor}");
  set(msg::invite_description, "{product} met {tutor} voor {student}.\nWil je verzetten of annuleren? Stuur ons een WhatsApp-bericht en kies *Mijn lessen*.");
  set(msg::invite_parent_of, "Ouder van {student}");
  set(msg::series_clash_holiday, "{date} valt in de {name}");
  set(msg::series_clash_closed, "{date}: die dag zijn er geen lessen");
  set(msg::series_clash_unavailable, "{date}: de docent is er dan niet");
  set(msg::series_clash_taken, "{date}: die tijd is al bezet");
  set(msg::series_clash_day_full, "{date}: die dag zit vol");
  set(msg::series_clash_too_soon, "{date}: te kort dag om nog te boeken");
  set(msg::series_clash_too_far, "{date}: te ver vooruit om te boeken");
  set(msg::series_moved, "{date} wordt {moved_to}");
  set(msg::series_rhythm, "{slot} met {tutor}.\nWil je één les, of elke week of om de week op deze dag en tijd?");
  set(msg::opt_once, "Eén les");
  set(msg::opt_weekly, "Elke week");
  set(msg::opt_biweekly, "Om de week");
  set(msg::rhythm_weekly, "elke week");
  set(msg::rhythm_biweekly, "om de week");
  set(msg::series_length_question, "Hoeveel lessen wil je, of tot wanneer? Bijvoorbeeld *8 lessen*, *tot 1 juli* of *tot de zomervakantie*. Het kunnen er hoogstens {max} zijn.");
  set(msg::series_length_unknown, "Dat begrijp ik niet als een aantal lessen of een einddatum.");
  set(msg::series_too_long, "Dat zijn meer dan {max} lessen. Kies een kleiner aantal of een eerdere einddatum.");
  set(msg::series_planning, "Ik kijk welke data vrij zijn en houd ze voor je vast…");
  set(msg::series_plan, "*{count} lessen, {rhythm}*, met {tutor}\nDe eerste: {first}\nDe laatste: {last}{clashes}\n\n{policy}\n\nIk houd deze tijden tot {expires} voor je vast.");
  set(msg::series_clashes_intro, "\n\nNiet op de vaste tijd:");
  set(msg::series_policy_skip, "Een datum die niet kan, slaat de school over.");
  set(msg::series_policy_move, "Een datum die niet kan, verplaatst de school naar de eerste vrije tijd in die week.");
  set(msg::series_policy_extend, "Een datum die niet kan, komt als extra les aan het eind van de reeks.");
  set(msg::opt_series_pay, "Akkoord, betalen");
  set(msg::opt_series_change, "Iets anders");
  set(msg::series_nothing_fits, "Op die tijd kan geen enkele les van de reeks. Kies één les, of een ander ritme.");
  set(msg::series_payment_link, "*{count} lessen, {rhythm}*, met {tutor}\nDe eerste: {first}\nTotaal: {total} ({vat})\n\nBetaal hier met iDEAL of je kaart:\n{url}\n\nIk houd de tijden tot {expires} voor je vast.");
  set(msg::series_payment_received, "Betaling ontvangen, dank je wel! Ik zet de lessen nu in de agenda…");
  set(msg::series_confirmed, "Je {count} lessen staan vast ✅\nMet {tutor}, {rhythm}, de eerste op {first}.{mail_note}\n\nTyp *menu* als je nog iets wilt.");
  set(msg::mail_note_invite, "📧 De bevestiging met de agenda-uitnodiging gaat per e-mail naar {email}.");
  set(msg::mail_note_update, "📧 De bijgewerkte agenda-uitnodiging gaat per e-mail naar {email}.");
  set(msg::mail_note_cancel, "📧 De annulering gaat per e-mail naar {email}; die haalt de les uit je agenda.");
  set(msg::mail_confirmed_subject, "Je les staat vast: {when}");
  set(msg::mail_moved_subject, "Je les is verzet: {when}");
  set(msg::mail_cancelled_subject, "Je les is geannuleerd: {when}");
  set(msg::mail_greeting, "Hoi {name},");
  set(msg::mail_greeting_unnamed, "Hoi,");
  set(msg::mail_confirmed, "Je les staat vast: {product} met {tutor}, {when}.");
  set(msg::mail_moved, "Je les met {tutor} is verzet naar {when}.");
  set(msg::mail_cancelled, "Je les met {tutor} van {when} is geannuleerd.");
  set(msg::mail_location, "Waar: {location}");
  set(msg::mail_invite_note, "De agenda-uitnodiging zit bij deze e-mail. Zet hem in je agenda; verandert er iets, dan krijg je een nieuwe die hem bijwerkt.");
  set(msg::mail_cancel_note, "Stond de les in je agenda, dan haalt de bijlage hem eruit.");
  set(msg::mail_google_invite_note, "Google Agenda stuurt je de uitnodiging in een aparte e-mail. Accepteer hem daar; verandert er iets, dan werkt Google hem bij.");
  set(msg::mail_google_cancel_note, "Stond de les in je agenda, dan haalt Google Agenda hem eruit.");
  set(msg::mail_closing, "Vragen, of iets wijzigen? Stuur ons een WhatsApp-bericht.\n\nGroeten,\n{school}");
  set(msg::mail_reminder_subject, "Herinnering: je les {when}");
  set(msg::mail_reminder, "Tot snel! Je les: {product} met {tutor}, {when}.");
  set(msg::mail_reminder_note, "De agenda-uitnodiging zit er nog een keer bij, voor het geval hij nog niet in je agenda staat.");
  set(msg::mail_cancel_refund, "De terugbetaling van {amount} naar de rekening of kaart waarmee je betaalde is in gang gezet; dat kan een paar werkdagen duren.");
  set(msg::mail_cancel_credit, "De les staat weer als tegoed voor je klaar: je kunt er een nieuwe les mee boeken.");
  set(msg::mail_receipt_subject, "Betaalbewijs {school}: {total}");
  set(msg::mail_receipt, "We hebben je betaling van {total} ontvangen op {date}. Dank je wel!");
  set(msg::mail_receipt_line, "{quantity} × {description}: {amount}");
  set(msg::mail_receipt_total, "Totaal: {total}");
  set(msg::mail_receipt_vat, "Waarvan btw: {vat}");
  set(msg::mail_receipt_note, "Bewaar deze e-mail als betaalbewijs. Kenmerk van je betaling: {reference}");
  set(msg::reminder_whatsapp, "⏰ Herinnering: je les met {tutor} is {day} om {time}.\nKun je niet? Stuur *menu* en kies *Mijn lessen* om te verzetten of te annuleren.");
  set(msg::reminder_name_unknown, "daar");  // "Hoi {{1}}" in a template: "Hoi daar"
  set(msg::tutor_event_summary, "{product} — {student}");
  set(msg::tutor_event_tutor, "Docent: {tutor}");
  set(msg::tutor_event_student, "Leerling: {student}");
  set(msg::tutor_event_level, "Niveau: {level}");
  set(msg::tutor_event_subject, "Vak: {subject}");
  set(msg::tutor_event_conversation, "Gesprek: {link}");
  set(msg::tutor_event_booking, "Geboekt via tutorbot (boeking {booking}).");
  set(msg::note_mail_refused, "⚠️ De e-mail met de agenda-uitnodiging ({subject}) aan {email} is geweigerd door de mailserver: {reason}. Controleer het adres met de leerling.");
  set(msg::note_reminder_failed, "⚠️ De herinnering ({channel}) voor de les van {when} is niet bij de leerling aangekomen: {reason}.");
  set(msg::note_intake_title, "Intake via WhatsApp (tutorbot)");
  set(msg::note_processing_failed, "tutorbot kon een bericht van deze leerling niet verwerken en heeft het gesprek "
                                   "doorgegeven. Het bericht staat bij de geparkeerde gebeurtenissen. Fout: {error}");
  set(msg::note_delivery_failed, "WhatsApp heeft dit bericht van tutorbot niet bij de leerling afgeleverd ({error}). "
                                 "tutorbot wacht niet op een antwoord en heeft het gesprek doorgegeven. Het bericht: "
                                 "{content}");
  set(msg::note_attachment_with_text, "De leerling stuurde een bijlage ({kind}) met tekst; tutorbot heeft alleen de "
                                      "tekst gelezen. De bijlage staat in het gesprek.");

  set(msg::words_menu, "menu|0|hoofdmenu|begin");
  set(msg::words_stop, "stop|stoppen");
  set(msg::words_help, "help|hulp|?");
  set(msg::words_human, "mens|medewerker|persoon|iemand spreken");
  set(msg::words_english, "english|engels");
  set(msg::words_dutch, "nederlands|dutch");
  set(msg::words_yes, "ja|j|klopt|ja klopt|ja, klopt|jazeker|prima|ok|oke");
  set(msg::words_no, "nee|n|nee, houden|nee houden");
  set(msg::words_change, "wijzig|wijzigen|aanpassen|veranderen");
  set(msg::words_more, "meer|meer tijden|volgende|andere tijden");
  set(msg::words_any, "maakt niet uit|maakt niet uit.|geen voorkeur|maakt me niet uit|om het even");
  set(msg::words_student, "leerling|ik ben de leerling|student|scholier");
  set(msg::words_parent, "ouder|ik ben de ouder|ouder/verzorger|moeder|vader|verzorger");
  set(msg::words_field_student_name, "naam|naam leerling|leerling");
  set(msg::words_field_writer, "wie schrijft|schrijver|ouder");
  set(msg::words_field_level, "niveau|leerjaar|niveau en leerjaar|klas");
  set(msg::words_field_subject, "vak");
  set(msg::words_field_goals, "doel|doelen");
  set(msg::words_field_email, "e-mail|email|mail|e-mailadres|emailadres");
  set(msg::words_field_student_email, "e-mail leerling|email leerling|mail leerling|e-mailadres leerling");
  return t;
}

}  // namespace

const text_catalog& texts_nl() {
  static const text_catalog catalog = make();
  return catalog;
}

}  // namespace tutorbot::domain::detail
