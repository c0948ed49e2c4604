#pragma once
// Postal-mail records (邮寄记录): what was sent to a customer, how, and when it arrived — a record
// type of the kit (docs/adr/0006-record-kit.md). Its one rule of its own: the same item sent to
// the same customer again is a 409 duplicate naming the earlier mailing, unless the request says
// "allow_duplicate": true (the seed's "avoid sending the same material twice").

#include "kit/record_type.hpp"

namespace guanxi::customers {

kit::RecordType MailingType();

}  // namespace guanxi::customers
