using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Shop.Data.Migrations;

/// <inheritdoc />
public partial class OrderCounts : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "shop_orders",
            columns: table => new
            {
                CheckoutId = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: false),
                OpenLines = table.Column<int>(type: "integer", nullable: false),
                Confirmed = table.Column<bool>(type: "boolean", nullable: false),
                Closed = table.Column<bool>(type: "boolean", nullable: false),
                UpdatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_shop_orders", x => new { x.CheckoutId, x.ShopId });
            });

        migrationBuilder.CreateIndex(
            name: "IX_shop_orders_ShopId_Confirmed_Closed",
            table: "shop_orders",
            columns: new[] { "ShopId", "Confirmed", "Closed" });
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "shop_orders");
    }
}
