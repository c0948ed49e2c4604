#pragma once
// Departments (部门) as a record type of the kit (docs/adr/0006-record-kit.md): an administrator's
// tree of the organisation, read by everyone (owner pickers, the department filter) and changed
// by those with departments.create|edit|delete (the administrator by default).

#include "kit/record_type.hpp"

namespace guanxi::accounts {

kit::RecordType DepartmentType();

}  // namespace guanxi::accounts
