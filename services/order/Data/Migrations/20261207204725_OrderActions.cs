using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Order.Data.Migrations;

/// <inheritdoc />
public partial class OrderActions : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<Guid>(
            name: "ShippingAddress_AddressId",
            table: "orders",
            type: "uuid",
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_City",
            table: "orders",
            type: "character varying(100)",
            maxLength: 100,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Country",
            table: "orders",
            type: "character varying(2)",
            maxLength: 2,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Line1",
            table: "orders",
            type: "character varying(200)",
            maxLength: 200,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Line2",
            table: "orders",
            type: "character varying(200)",
            maxLength: 200,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Phone",
            table: "orders",
            type: "character varying(40)",
            maxLength: 40,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_PostalCode",
            table: "orders",
            type: "character varying(20)",
            maxLength: 20,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Recipient",
            table: "orders",
            type: "character varying(200)",
            maxLength: 200,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "ShippingAddress_Region",
            table: "orders",
            type: "character varying(100)",
            maxLength: 100,
            nullable: true);

        migrationBuilder.AddColumn<string>(
            name: "CancelReason",
            table: "order_lines",
            type: "character varying(500)",
            maxLength: 500,
            nullable: true);

        migrationBuilder.AddColumn<DateTimeOffset>(
            name: "CancelledAt",
            table: "order_lines",
            type: "timestamp with time zone",
            nullable: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropColumn(
            name: "ShippingAddress_AddressId",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_City",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Country",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Line1",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Line2",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Phone",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_PostalCode",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Recipient",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "ShippingAddress_Region",
            table: "orders");

        migrationBuilder.DropColumn(
            name: "CancelReason",
            table: "order_lines");

        migrationBuilder.DropColumn(
            name: "CancelledAt",
            table: "order_lines");
    }
}
