#include "domains/custom_fields/custom_field_store.hpp"

namespace guanxi::custom_fields::store {

namespace {

constexpr std::string_view kColumns =
    "id, entity, key, type, label_zh_cn, label_en, required, choices, indexed, position, "
    "created_at, updated_at, version";

Definition FromRow(const db::Row& r) {
    Definition def;
    def.id = r.Int(0);
    def.entity = r.Text(1);
    def.key = r.Text(2);
    def.type = r.Text(3);
    def.label_zh_cn = r.Text(4);
    def.label_en = r.Text(5);
    def.required = r.Bool(6);
    nlohmann::json choices = nlohmann::json::parse(r.Text(7), nullptr, false);
    if (choices.is_array()) {
        for (const auto& c : choices) {
            if (c.is_string()) def.choices.push_back(c.get<std::string>());
        }
    }
    def.indexed = r.Bool(8);
    def.position = r.Int(9);
    def.created_at = r.Int(10);
    def.updated_at = r.Int(11);
    def.version = r.Int(12);
    return def;
}

// Index names are built from the table and the key, both lower snake_case from our own
// definitions (IsKey), never from a request's text.
std::string IndexName(const Definition& def, std::string_view table) {
    return std::string(table) + "_custom_" + def.key;
}

}  // namespace

Result<std::vector<Definition>> All(db::Connection& conn) {
    GX_TRY_ASSIGN(db::Rows rows,
                  conn.Query("SELECT " + std::string(kColumns) +
                             " FROM custom_fields WHERE deleted_at IS NULL ORDER BY position, id"));
    std::vector<Definition> out;
    for (const auto& r : rows) out.push_back(FromRow(r));
    return out;
}

Result<std::optional<Definition>> Get(db::Connection& conn, std::int64_t id) {
    GX_TRY_ASSIGN(auto row,
                  conn.QueryOne("SELECT " + std::string(kColumns) +
                                    " FROM custom_fields WHERE id = ? AND deleted_at IS NULL",
                                {id}));
    if (!row) return std::optional<Definition>();
    return std::optional<Definition>(FromRow(*row));
}

Result<bool> KeyTaken(db::Connection& conn, std::string_view entity, std::string_view key) {
    GX_TRY_ASSIGN(auto row, conn.QueryOne("SELECT 1 FROM custom_fields WHERE entity = ? AND "
                                          "key = ? AND deleted_at IS NULL",
                                          {std::string(entity), std::string(key)}));
    return row.has_value();
}

Result<std::int64_t> Insert(db::Connection& conn, const Definition& def, std::int64_t now) {
    return conn.InsertReturningId(
        "INSERT INTO custom_fields (entity, key, type, label_zh_cn, label_en, required, choices, "
        "indexed, position, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "?, ?, 1)",
        {def.entity, def.key, def.type, def.label_zh_cn, def.label_en,
         std::int64_t{def.required ? 1 : 0}, nlohmann::json(def.choices).dump(),
         std::int64_t{def.indexed ? 1 : 0}, def.position, now, now});
}

Result<bool> Update(db::Connection& conn, const Definition& def, std::int64_t version,
                    std::int64_t now) {
    GX_TRY_ASSIGN(
        std::int64_t changed,
        conn.Execute("UPDATE custom_fields SET label_zh_cn = ?, label_en = ?, "
                     "required = ?, choices = ?, position = ?, updated_at = ?, "
                     "version = version + 1 WHERE id = ? AND version = ? AND "
                     "deleted_at IS NULL",
                     {def.label_zh_cn, def.label_en, std::int64_t{def.required ? 1 : 0},
                      nlohmann::json(def.choices).dump(), def.position, now, def.id, version}));
    return changed == 1;
}

Result<bool> SetDeleted(db::Connection& conn, std::int64_t id, std::int64_t now) {
    GX_TRY_ASSIGN(std::int64_t changed,
                  conn.Execute("UPDATE custom_fields SET deleted_at = ?, updated_at = ?, "
                               "version = version + 1 WHERE id = ? AND deleted_at IS NULL",
                               {now, now, id}));
    return changed == 1;
}

Status CreateIndex(db::Connection& conn, const Definition& def, std::string_view table) {
    const std::string expression = ValueSql(conn.backend(), def, "custom");
    return conn.ExecuteScript("CREATE INDEX IF NOT EXISTS " + IndexName(def, table) + " ON " +
                              std::string(table) + " ((" + expression + "))");
}

Status DropIndex(db::Connection& conn, const Definition& def, std::string_view table) {
    return conn.ExecuteScript("DROP INDEX IF EXISTS " + IndexName(def, table));
}

}  // namespace guanxi::custom_fields::store
