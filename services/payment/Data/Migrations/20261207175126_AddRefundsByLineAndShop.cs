using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Payment.Data.Migrations
{
    /// <inheritdoc />
    public partial class AddRefundsByLineAndShop : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "request_hash",
                table: "refunds",
                type: "character varying(64)",
                maxLength: 64,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "request_key",
                table: "refunds",
                type: "character varying(255)",
                maxLength: 255,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "requested_by",
                table: "refunds",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "shop_id",
                table: "refunds",
                type: "uuid",
                nullable: true);

            migrationBuilder.AlterColumn<string>(
                name: "status",
                table: "payments",
                type: "character varying(32)",
                maxLength: 32,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(16)",
                oldMaxLength: 16);

            migrationBuilder.AddColumn<int>(
                name: "refund_version",
                table: "payments",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "payment_lines",
                columns: table => new
                {
                    payment_id = table.Column<Guid>(type: "uuid", nullable: false),
                    line_id = table.Column<Guid>(type: "uuid", nullable: false),
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    amount = table.Column<decimal>(type: "numeric(19,4)", precision: 19, scale: 4, nullable: false),
                    refund_id = table.Column<Guid>(type: "uuid", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_payment_lines", x => new { x.payment_id, x.line_id });
                    table.ForeignKey(
                        name: "FK_payment_lines_payments_payment_id",
                        column: x => x.payment_id,
                        principalTable: "payments",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "shop_owners",
                columns: table => new
                {
                    shop_id = table.Column<Guid>(type: "uuid", nullable: false),
                    owner_id = table.Column<Guid>(type: "uuid", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_shop_owners", x => x.shop_id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_refunds_provider_refund_id",
                table: "refunds",
                column: "provider_refund_id",
                unique: true,
                filter: "provider_refund_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_refunds_requested_by_request_key",
                table: "refunds",
                columns: new[] { "requested_by", "request_key" },
                unique: true,
                filter: "request_key IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "IX_shop_owners_owner_id",
                table: "shop_owners",
                column: "owner_id");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "payment_lines");

            migrationBuilder.DropTable(
                name: "shop_owners");

            migrationBuilder.DropIndex(
                name: "IX_refunds_provider_refund_id",
                table: "refunds");

            migrationBuilder.DropIndex(
                name: "IX_refunds_requested_by_request_key",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "request_hash",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "request_key",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "requested_by",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "shop_id",
                table: "refunds");

            migrationBuilder.DropColumn(
                name: "refund_version",
                table: "payments");

            migrationBuilder.AlterColumn<string>(
                name: "status",
                table: "payments",
                type: "character varying(16)",
                maxLength: 16,
                nullable: false,
                oldClrType: typeof(string),
                oldType: "character varying(32)",
                oldMaxLength: 32);
        }
    }
}
