#include "domains/activities/ical_zone.hpp"

namespace guanxi::activities {

std::unique_lock<std::mutex> IcalLock() {
    static std::mutex mutex;
    return std::unique_lock<std::mutex>(mutex);
}

icaltimezone* ZoneOf(std::string_view name) {
    const std::string zone(name);
    icaltimezone* tz = zone == "UTC" ? nullptr : icaltimezone_get_builtin_timezone(zone.c_str());
    return tz != nullptr ? tz : icaltimezone_get_utc_timezone();
}

icaltimetype LocalTime(std::int64_t t, icaltimezone* zone, bool date) {
    icaltimetype local = icaltime_from_timet_with_zone(static_cast<time_t>(t), 0, zone);
    local.zone = nullptr;  // floating: the property's TZID names the zone
    if (date) {
        local.is_date = 1;
        local.hour = local.minute = local.second = 0;
    }
    return local;
}

icalcomponent* ZoneComponent(icaltimezone* zone, std::string_view name) {
    icalcomponent* component = icalcomponent_new_clone(icaltimezone_get_component(zone));
    // libical names its zones "/freeassociation.sourceforge.net/<name>"; clients match the TZID
    // of each time against this, so both say the IANA name.
    icalproperty* tzid = icalcomponent_get_first_property(component, ICAL_TZID_PROPERTY);
    if (tzid != nullptr) icalproperty_set_tzid(tzid, std::string(name).c_str());
    return component;
}

}  // namespace guanxi::activities
