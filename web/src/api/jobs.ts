import { request } from './client'
import type { Id, Page } from './types'

/** A status the jobs list filters by; failed = queued again after a failure, awaiting its retry. */
export type JobStatus = 'queued' | 'running' | 'failed' | 'dead' | 'done'

export interface Job {
  id: Id
  name: string
  payload: Record<string, unknown>
  status: 'queued' | 'running' | 'done' | 'dead'
  unique_key: string | null
  due_at: string
  lease_until: string | null
  lease_owner: string | null
  attempts: number
  max_attempts: number
  last_error: string | null
  result: unknown
  created_at: string
  updated_at: string
  finished_at: string | null
}

export interface JobPage extends Page<Job> {
  counts: Record<JobStatus, number>
}

export interface JobSchedule {
  name: string
  /** "every 300s" or "daily 09:00 Europe/Berlin". */
  spec: string
  next_due_at: string
  last_due_at: string | null
  last_job: { id: Id; status: Job['status']; last_error: string | null; attempts: number } | null
  registered: boolean
}

export const jobsApi = {
  list: (params: { status?: JobStatus; page?: number; page_size?: number }) =>
    request<JobPage>('/jobs', { params }),
  retry: (id: Id) => request<Job>(`/jobs/${id}/retry`, { method: 'POST' }),
  schedules: () => request<{ items: JobSchedule[]; total: number }>('/job-schedules'),
}
