#include "domains/record_types.hpp"

#include "domains/customers/mailing_type.hpp"

namespace guanxi {

const kit::Registry& RecordTypes() {
    static const kit::Registry kRegistry = [] {
        kit::Registry registry;
        registry.Add(customers::MailingType());
        return registry;
    }();
    return kRegistry;
}

}  // namespace guanxi
