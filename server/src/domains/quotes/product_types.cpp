#include "domains/quotes/product_types.hpp"

#include "core/money.hpp"
#include "domains/quotes/quote_math.hpp"

namespace guanxi::quotes {

namespace {

using nlohmann::json;

// The customer categories a price list may be for (domains/customers/customer.cpp).
const std::vector<std::string> kCustomerCategories = {"core",           "potential", "interested",
                                                      "not_interested", "closed",    "payment_due"};

}  // namespace

kit::RecordType ProductType() {
    kit::RecordType type;
    type.name = "products";
    type.singular = "product";
    type.table = "products";
    type.label = {"产品", "Product"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = {
        kit::RequiredName("name", {"产品名称", "Name"}, 200),
        {{.name = "code",
          .required = true,
          .max_length = 40,
          .list = true,
          .filter = true,
          .sort = true,
          .nullable = false},
         {"产品编码", "Code"},
         /*search=*/true,
         {},
         {},
         {},
         /*unique=*/true},
        {{.name = "category", .max_length = 100, .list = true, .filter = true, .sort = true},
         {"产品类别", "Category"}},
        {{.name = "unit", .max_length = 20, .list = true}, {"单位", "Unit"}},
        kit::RequiredMoney("list_price", {"标准价格", "List price"}),
        {{.name = "cost", .type = FieldType::kMoney}, {"成本", "Cost"}},
        {{.name = "active",
          .type = FieldType::kBoolean,
          .list = true,
          .filter = true,
          .nullable = false},
         {"在售", "Active"}},
        {{.name = "description", .type = FieldType::kText, .max_length = 2000},
         {"说明", "Description"},
         true},
    };
    type.default_sort = {{"code", false}};
    type.example = {{"code", "GX-STD-01"}, {"name", "关系管理软件标准版"}, {"category", "软件"},
                    {"unit", "套"},        {"list_price", "12800.00"},     {"cost", "3000.00"},
                    {"active", true}};
    type.fill_defaults = [](const Principal&, json& body) {
        if (!body.contains("active")) body["active"] = true;
    };
    return type;
}

kit::RecordType PriceListType() {
    kit::RecordType type;
    type.name = "price_lists";
    type.route = "price-lists";
    type.singular = "price_list";
    type.table = "price_lists";
    type.label = {"价格表", "Price list"};
    type.visibility = kit::Visibility::kAdminOnly;
    type.staff_read = true;
    type.fields = {
        kit::RequiredName("name", {"名称", "Name"}),
        {{.name = "customer_category",
          .type = FieldType::kEnum,
          .options = kCustomerCategories,
          .list = true,
          .filter = true},
         {"适用客户类别", "For customer category"}},
        {{.name = "region", .max_length = 100, .list = true, .filter = true},
         {"适用地区", "For region"}},
        kit::RequiredDate("valid_from", {"生效日期", "Valid from"}),
        {{.name = "valid_to", .type = FieldType::kDate, .list = true, .sort = true},
         {"失效日期", "Valid to"}},
        {{.name = "active",
          .type = FieldType::kBoolean,
          .list = true,
          .filter = true,
          .nullable = false},
         {"启用", "Active"}},
        {{.name = "line_count", .type = FieldType::kInteger, .list = true, .readonly = true},
         {"产品数", "Products"},
         false,
         "SELECT COUNT(*) FROM price_list_lines l WHERE l.price_list_id = t.id"},
    };
    type.default_sort = {{"valid_from", true}};
    type.example = {{"name", "2027 年核心客户价"},
                    {"customer_category", "core"},
                    {"valid_from", "2027-01-01"},
                    {"valid_to", "2027-12-31"}};
    type.fill_defaults = [](const Principal&, json& body) {
        if (!body.contains("active")) body["active"] = true;
    };
    type.check_record = [](const json& record) -> Status {
        const auto from = record.find("valid_from");
        const auto to = record.find("valid_to");
        if (from == record.end() || to == record.end() || !from->is_string() || !to->is_string())
            return {};
        if (to->get<std::string>() < from->get<std::string>())
            return Error::ValidationCode("valid_to", "before_valid_from");
        return {};
    };
    using kit::Member;
    const std::vector<kit::Field> line = {
        Member("product_id", FieldType::kInteger), Member("product_code", FieldType::kString),
        Member("product_name", FieldType::kString), Member("list_price", FieldType::kMoney),
        Member("price", FieldType::kMoney, "This list's price")};
    const kit::Shape lines{{}, {{"items", line}}};
    type.item_routes = {
        {.method = "GET",
         .name = "lines",
         .summary = "A price list's products and prices",
         .answer = kit::ItemAnswer::kObject,
         .answers = lines},
        {.method = "PUT",
         .name = "lines",
         .summary = "Replace a price list's lines",
         .description =
             "422 names items[i].product_id (not a product, repeated) or items[i].price.",
         .permission = "edit",
         .body = kit::Shape{{},
                            {{"items",
                              {Member("product_id", FieldType::kInteger, "A product", true),
                               Member("price", FieldType::kMoney, {}, true)},
                              2000}}},
         .answer = kit::ItemAnswer::kObject,
         .answers = lines},
    };
    return type;
}

}  // namespace guanxi::quotes
