using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace EStore.Shop.Data.Migrations;

/// <inheritdoc />
public partial class ShopNameSkeleton : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.AddColumn<string>(
            name: "NameSkeleton",
            table: "shops",
            type: "character varying(400)",
            maxLength: 400,
            nullable: true);

        migrationBuilder.CreateIndex(
            name: "IX_shops_NameSkeleton",
            table: "shops",
            column: "NameSkeleton",
            unique: true);
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(
            name: "IX_shops_NameSkeleton",
            table: "shops");

        migrationBuilder.DropColumn(
            name: "NameSkeleton",
            table: "shops");
    }
}
