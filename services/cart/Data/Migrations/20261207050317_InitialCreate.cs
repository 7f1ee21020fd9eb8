using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace EStore.Cart.Data.Migrations;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "carts",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                OwnerId = table.Column<Guid>(type: "uuid", nullable: true),
                GuestTokenHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: true),
                Name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                IsDefault = table.Column<bool>(type: "boolean", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_carts", x => x.Id);
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
            name: "cart_lines",
            columns: table => new
            {
                CartId = table.Column<Guid>(type: "uuid", nullable: false),
                VariantId = table.Column<Guid>(type: "uuid", nullable: false),
                ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: true),
                ShopName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                ProductName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                VariantName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                Quantity = table.Column<int>(type: "integer", nullable: false),
                PriceWhenAdded = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                AddedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_cart_lines", x => new { x.CartId, x.VariantId });
                table.ForeignKey(
                    name: "FK_cart_lines_carts_CartId",
                    column: x => x.CartId,
                    principalTable: "carts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_carts_guest_UpdatedAt",
            table: "carts",
            column: "UpdatedAt",
            filter: "\"OwnerId\" IS NULL");

        migrationBuilder.CreateIndex(
            name: "IX_carts_GuestTokenHash",
            table: "carts",
            column: "GuestTokenHash",
            unique: true);

        migrationBuilder.CreateIndex(
            name: "IX_carts_OwnerId",
            table: "carts",
            column: "OwnerId");

        migrationBuilder.CreateIndex(
            name: "IX_carts_OwnerId_default",
            table: "carts",
            column: "OwnerId",
            unique: true,
            filter: "\"IsDefault\"");

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
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "cart_lines");

        migrationBuilder.DropTable(
            name: "inbox_messages");

        migrationBuilder.DropTable(
            name: "outbox_messages");

        migrationBuilder.DropTable(
            name: "carts");
    }
}
