import type { RecordTypeView } from './types'

// Sales process (issue 16): opportunities (their own owner's), pipelines, stages and competitors
// (an administrator's, staff read them) as pages of their own, each opportunity opening its page
// (modules/pipeline/OpportunityPage); an opportunity's decision makers, needs, solutions and
// competitors' presence as tabs of that page (each names its opportunity; the records live under
// its customer).
export const opportunities: RecordTypeView = {
  name: 'opportunities',
  place: 'page',
  titleKey: 'pipeline.types.opportunities',
  titleField: 'name',
  // (no defaultSort: the server's own, newest first — created_at is no sort a person picks, so the
  // phone's sort select would show its code)
  onCustomerPage: true,
  rowLinks: (row) => [
    {
      key: 'pipeline.opportunity.open',
      href: `/opportunities/${row.id}`,
      testid: 'opportunity-open',
    },
  ],
}
export const pipelines: RecordTypeView = {
  name: 'pipelines',
  place: 'page',
  titleKey: 'pipeline.types.pipelines',
  titleField: 'name',
}
export const pipelineStages: RecordTypeView = {
  name: 'pipeline_stages',
  place: 'page',
  titleKey: 'pipeline.types.pipeline_stages',
  titleField: 'name',
  pageSize: 50,
}
export const competitors: RecordTypeView = {
  name: 'competitors',
  place: 'page',
  titleKey: 'pipeline.types.competitors',
  titleField: 'name',
}
export const opportunityContacts: RecordTypeView = {
  name: 'opportunity_contacts',
  place: 'opportunity',
  titleKey: 'pipeline.types.opportunity_contacts',
  titleField: 'role',
}
export const opportunityNeeds: RecordTypeView = {
  name: 'opportunity_needs',
  place: 'opportunity',
  titleKey: 'pipeline.types.opportunity_needs',
  titleField: 'title',
}
export const opportunitySolutions: RecordTypeView = {
  name: 'opportunity_solutions',
  place: 'opportunity',
  titleKey: 'pipeline.types.opportunity_solutions',
  titleField: 'title',
}
export const opportunityCompetitors: RecordTypeView = {
  name: 'opportunity_competitors',
  place: 'opportunity',
  titleKey: 'pipeline.types.opportunity_competitors',
  titleField: 'competitor_id',
}
