using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;
using NpgsqlTypes;

#nullable disable

namespace EStore.Product.Data.Migrations;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "categories",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                Slug = table.Column<string>(type: "character varying(120)", maxLength: 120, nullable: false),
                ParentId = table.Column<Guid>(type: "uuid", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_categories", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "inbox_messages",
            columns: table => new
            {
                consumer = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                event_id = table.Column<Guid>(type: "uuid", nullable: false),
                event_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                topic = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                kafka_partition = table.Column<int>(type: "integer", nullable: false),
                kafka_offset = table.Column<long>(type: "bigint", nullable: false),
                processed_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_inbox_messages", x => new { x.consumer, x.event_id });
            });

        migrationBuilder.CreateTable(
            name: "outbox_messages",
            columns: table => new
            {
                id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                event_id = table.Column<Guid>(type: "uuid", nullable: false),
                event_type = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                topic = table.Column<string>(type: "character varying(249)", maxLength: 249, nullable: false),
                aggregate_key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                payload = table.Column<string>(type: "text", nullable: false),
                trace_parent = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                created_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: false),
                sent_at = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                lease_until = table.Column<DateTime>(type: "timestamp with time zone", nullable: true),
                lease_owner = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                attempts = table.Column<int>(type: "integer", nullable: false),
                last_error = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_outbox_messages", x => x.id);
            });

        migrationBuilder.CreateTable(
            name: "products",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                Name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                Description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                Price = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                Category = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                CategoryId = table.Column<Guid>(type: "uuid", nullable: true),
                ShopId = table.Column<Guid>(type: "uuid", nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                DeletedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                SearchVector = table.Column<NpgsqlTsVector>(type: "tsvector", nullable: true, computedColumnSql: "setweight(to_tsvector('simple', coalesce(\"Name\", '')), 'A') || setweight(to_tsvector('simple', coalesce(\"Description\", '')), 'B')", stored: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_products", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "reservations",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                VariantId = table.Column<Guid>(type: "uuid", nullable: false),
                Quantity = table.Column<int>(type: "integer", nullable: false),
                State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                ExpiresAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_reservations", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "shops",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                OwnerId = table.Column<Guid>(type: "uuid", nullable: false),
                Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                Suspended = table.Column<bool>(type: "boolean", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_shops", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "stock_movements",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                VariantId = table.Column<Guid>(type: "uuid", nullable: false),
                Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                Delta = table.Column<int>(type: "integer", nullable: false),
                StockAfter = table.Column<int>(type: "integer", nullable: false),
                Reason = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                ActorId = table.Column<Guid>(type: "uuid", nullable: true),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_stock_movements", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "product_variants",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                Sku = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                Price = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Stock = table.Column<int>(type: "integer", nullable: false),
                Reserved = table.Column<int>(type: "integer", nullable: false),
                LowStockThreshold = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_product_variants", x => x.Id);
                table.ForeignKey(
                    name: "FK_product_variants_products_ProductId",
                    column: x => x.ProductId,
                    principalTable: "products",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_categories_ParentId",
            table: "categories",
            column: "ParentId");

        migrationBuilder.CreateIndex(
            name: "IX_inbox_messages_processed_at",
            table: "inbox_messages",
            column: "processed_at");

        migrationBuilder.CreateIndex(
            name: "IX_outbox_messages_event_id",
            table: "outbox_messages",
            column: "event_id",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_outbox_pending",
            table: "outbox_messages",
            column: "id",
            filter: "sent_at IS NULL");

        migrationBuilder.CreateIndex(
            name: "ix_outbox_pending_key",
            table: "outbox_messages",
            columns: new[] { "topic", "aggregate_key", "id" },
            filter: "sent_at IS NULL");

        migrationBuilder.CreateIndex(
            name: "ix_outbox_sent",
            table: "outbox_messages",
            column: "sent_at",
            filter: "sent_at IS NOT NULL");

        migrationBuilder.CreateIndex(
            name: "IX_product_variants_ProductId",
            table: "product_variants",
            column: "ProductId");

        migrationBuilder.CreateIndex(
            name: "IX_product_variants_Sku",
            table: "product_variants",
            column: "Sku",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_products_CategoryId",
            table: "products",
            column: "CategoryId");

        migrationBuilder.CreateIndex(
            name: "IX_products_CreatedAt",
            table: "products",
            column: "CreatedAt");

        migrationBuilder.CreateIndex(
            name: "IX_products_Name",
            table: "products",
            column: "Name");

        migrationBuilder.CreateIndex(
            name: "IX_products_Price",
            table: "products",
            column: "Price");

        migrationBuilder.CreateIndex(
            name: "IX_products_SearchVector",
            table: "products",
            column: "SearchVector")
            .Annotation("Npgsql:IndexMethod", "GIN");

        migrationBuilder.CreateIndex(
            name: "IX_products_ShopId",
            table: "products",
            column: "ShopId");

        migrationBuilder.CreateIndex(
            name: "IX_reservations_OrderId",
            table: "reservations",
            column: "OrderId");

        migrationBuilder.CreateIndex(
            name: "IX_reservations_State_ExpiresAt",
            table: "reservations",
            columns: new[] { "State", "ExpiresAt" });

        migrationBuilder.CreateIndex(
            name: "IX_stock_movements_VariantId_Id",
            table: "stock_movements",
            columns: new[] { "VariantId", "Id" });

        migrationBuilder.CreateIndex(
            name: "IX_stock_movements_VariantId_Kind_At",
            table: "stock_movements",
            columns: new[] { "VariantId", "Kind", "At" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "categories");

        migrationBuilder.DropTable(
            name: "inbox_messages");

        migrationBuilder.DropTable(
            name: "outbox_messages");

        migrationBuilder.DropTable(
            name: "product_variants");

        migrationBuilder.DropTable(
            name: "reservations");

        migrationBuilder.DropTable(
            name: "shops");

        migrationBuilder.DropTable(
            name: "stock_movements");

        migrationBuilder.DropTable(
            name: "products");
    }
}
