using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace EStore.Order.Data.Migrations;

/// <inheritdoc />
public partial class InitialCreate : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "checkouts",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                UserId = table.Column<Guid>(type: "uuid", nullable: false),
                CustomerEmail = table.Column<string>(type: "character varying(320)", maxLength: 320, nullable: false),
                CartId = table.Column<Guid>(type: "uuid", nullable: true),
                PaymentMethodId = table.Column<Guid>(type: "uuid", nullable: false),
                Total = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                PaymentStatus = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                PaymentId = table.Column<Guid>(type: "uuid", nullable: true),
                RefundedAmount = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                CancelReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                CancelledBy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                ShippingAddress_AddressId = table.Column<Guid>(type: "uuid", nullable: false),
                ShippingAddress_Recipient = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                ShippingAddress_Line1 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                ShippingAddress_Line2 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                ShippingAddress_City = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                ShippingAddress_Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                ShippingAddress_PostalCode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                ShippingAddress_Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: false),
                ShippingAddress_Phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                IdempotencyKey = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Version = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_checkouts", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "idempotency_keys",
            columns: table => new
            {
                UserId = table.Column<Guid>(type: "uuid", nullable: false),
                Key = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                RequestHash = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                StatusCode = table.Column<int>(type: "integer", nullable: true),
                Body = table.Column<string>(type: "text", nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_idempotency_keys", x => new { x.UserId, x.Key });
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
            name: "orders",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                CheckoutId = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: false),
                UserId = table.Column<Guid>(type: "uuid", nullable: false),
                Status = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                PaymentStatus = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                FulfilmentStatus = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                Total = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                CancelReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                CancelledBy = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: true),
                Carrier = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                TrackingNumber = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                ShippedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                DeliveredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                ShippingAddress_AddressId = table.Column<Guid>(type: "uuid", nullable: true),
                ShippingAddress_Recipient = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                ShippingAddress_Line1 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                ShippingAddress_Line2 = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                ShippingAddress_City = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                ShippingAddress_Region = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                ShippingAddress_PostalCode = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                ShippingAddress_Country = table.Column<string>(type: "character varying(2)", maxLength: 2, nullable: true),
                ShippingAddress_Phone = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: true),
                Version = table.Column<int>(type: "integer", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_orders", x => x.Id);
                table.ForeignKey(
                    name: "FK_orders_checkouts_CheckoutId",
                    column: x => x.CheckoutId,
                    principalTable: "checkouts",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "order_lines",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                ProductId = table.Column<Guid>(type: "uuid", nullable: false),
                VariantId = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: false),
                ProductName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                VariantName = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                Quantity = table.Column<int>(type: "integer", nullable: false),
                UnitPrice = table.Column<decimal>(type: "numeric(18,2)", precision: 18, scale: 2, nullable: false),
                Currency = table.Column<string>(type: "character varying(3)", maxLength: 3, nullable: false),
                CancelledAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                CancelReason = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_order_lines", x => x.Id);
                table.ForeignKey(
                    name: "FK_order_lines_orders_OrderId",
                    column: x => x.OrderId,
                    principalTable: "orders",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "order_timeline",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                OrderId = table.Column<Guid>(type: "uuid", nullable: false),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Actor = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                What = table.Column<string>(type: "character varying(40)", maxLength: 40, nullable: false),
                Detail = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_order_timeline", x => x.Id);
                table.ForeignKey(
                    name: "FK_order_timeline_orders_OrderId",
                    column: x => x.OrderId,
                    principalTable: "orders",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_checkouts_Status_CreatedAt",
            table: "checkouts",
            columns: new[] { "Status", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_checkouts_UserId_CreatedAt",
            table: "checkouts",
            columns: new[] { "UserId", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_idempotency_keys_CreatedAt",
            table: "idempotency_keys",
            column: "CreatedAt");

        migrationBuilder.CreateIndex(
            name: "IX_inbox_messages_processed_at",
            table: "inbox_messages",
            column: "processed_at");

        migrationBuilder.CreateIndex(
            name: "IX_order_lines_OrderId",
            table: "order_lines",
            column: "OrderId");

        migrationBuilder.CreateIndex(
            name: "IX_order_timeline_OrderId_At",
            table: "order_timeline",
            columns: new[] { "OrderId", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_orders_CheckoutId",
            table: "orders",
            column: "CheckoutId");

        migrationBuilder.CreateIndex(
            name: "IX_orders_ShopId_CreatedAt",
            table: "orders",
            columns: new[] { "ShopId", "CreatedAt" });

        migrationBuilder.CreateIndex(
            name: "IX_orders_UserId_CreatedAt",
            table: "orders",
            columns: new[] { "UserId", "CreatedAt" });

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
            name: "idempotency_keys");

        migrationBuilder.DropTable(
            name: "inbox_messages");

        migrationBuilder.DropTable(
            name: "order_lines");

        migrationBuilder.DropTable(
            name: "order_timeline");

        migrationBuilder.DropTable(
            name: "outbox_messages");

        migrationBuilder.DropTable(
            name: "orders");

        migrationBuilder.DropTable(
            name: "checkouts");
    }
}
