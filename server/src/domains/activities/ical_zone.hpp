#pragma once
// libical's view of an IANA time zone (the system's zoneinfo), for repeating activities and the
// calendar feed.

#include <libical/ical.h>

#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>

namespace guanxi::activities {

// libical keeps loaded zones and their expanded transitions in process-wide state; every use of
// it here holds this lock (the feed and series creation are not hot paths).
std::unique_lock<std::mutex> IcalLock();

// The zone named `name` (an IANA name checked by tz::IsTimeZoneName), or UTC when libical
// can't load it. Loaded zones are kept by libical for the process's life.
icaltimezone* ZoneOf(std::string_view name);

// A time in `zone` as a floating local time (no zone of its own: a property gets a TZID parameter
// naming the zone), or as that local day when `date`.
icaltimetype LocalTime(std::int64_t t, icaltimezone* zone, bool date);

// The zone's VTIMEZONE (RFC 5545 3.6.5), its TZID the IANA name.
icalcomponent* ZoneComponent(icaltimezone* zone, std::string_view name);

}  // namespace guanxi::activities
