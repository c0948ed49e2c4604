#include "domains/record_types.hpp"

#include "domains/accounts/department_type.hpp"
#include "domains/activities/activity_type.hpp"
#include "domains/contracts/contract_type.hpp"
#include "domains/contracts/payment_type.hpp"
#include "domains/customers/contact_type.hpp"
#include "domains/customers/document_type.hpp"
#include "domains/customers/followup_type.hpp"
#include "domains/customers/mailing_type.hpp"
#include "domains/customers/prepayment_types.hpp"
#include "domains/messages/template_type.hpp"
#include "domains/pipeline/opportunity_types.hpp"
#include "domains/pipeline/pipeline_types.hpp"
#include "domains/quotes/product_types.hpp"
#include "domains/quotes/quote_type.hpp"

namespace guanxi {

const kit::Registry& RecordTypes() {
    static const kit::Registry kRegistry = [] {
        kit::Registry registry;
        registry.Add(customers::MailingType());
        registry.Add(customers::DealType());
        registry.Add(customers::PrepaymentType());
        registry.Add(customers::DocumentType());
        registry.Add(customers::ContactType());
        registry.Add(customers::FollowupType());
        registry.Add(accounts::DepartmentType());
        registry.Add(activities::ActivityType());
        registry.Add(contracts::ContractType());
        registry.Add(contracts::PaymentType());
        registry.Add(pipeline::PipelineType());
        registry.Add(pipeline::StageType());
        registry.Add(pipeline::CompetitorType());
        registry.Add(pipeline::OpportunityType());
        registry.Add(pipeline::OpportunityContactType());
        registry.Add(pipeline::NeedType());
        registry.Add(pipeline::SolutionType());
        registry.Add(pipeline::OpportunityCompetitorType());
        registry.Add(quotes::ProductType());
        registry.Add(quotes::PriceListType());
        registry.Add(quotes::QuoteType());
        registry.Add(messages::TemplateType());
        return registry;
    }();
    return kRegistry;
}

}  // namespace guanxi
