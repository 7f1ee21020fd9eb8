using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace EStore.Product.Data.Migrations;

/// <inheritdoc />
public partial class SupplierFeeds : Migration
{
    /// <inheritdoc />
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "supplier_feeds",
            columns: table => new
            {
                Id = table.Column<Guid>(type: "uuid", nullable: false),
                ShopId = table.Column<Guid>(type: "uuid", nullable: false),
                CreatedBy = table.Column<Guid>(type: "uuid", nullable: false),
                Url = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: false),
                Format = table.Column<string>(type: "character varying(8)", maxLength: 8, nullable: true),
                BasicUser = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                BasicPassword = table.Column<string>(type: "character varying(500)", maxLength: 500, nullable: true),
                HeaderName = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                HeaderValue = table.Column<string>(type: "character varying(2000)", maxLength: 2000, nullable: true),
                IntervalMinutes = table.Column<int>(type: "integer", nullable: false),
                ArchiveMissing = table.Column<bool>(type: "boolean", nullable: false),
                CreateCategories = table.Column<bool>(type: "boolean", nullable: false),
                NextRunAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                CreatedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_supplier_feeds", x => x.Id);
            });

        migrationBuilder.CreateTable(
            name: "feed_runs",
            columns: table => new
            {
                Id = table.Column<long>(type: "bigint", nullable: false)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                FeedId = table.Column<Guid>(type: "uuid", nullable: false),
                At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                Succeeded = table.Column<bool>(type: "boolean", nullable: false),
                Error = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                Bytes = table.Column<long>(type: "bigint", nullable: false),
                JobId = table.Column<Guid>(type: "uuid", nullable: true)
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_feed_runs", x => x.Id);
                table.ForeignKey(
                    name: "FK_feed_runs_supplier_feeds_FeedId",
                    column: x => x.FeedId,
                    principalTable: "supplier_feeds",
                    principalColumn: "Id",
                    onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(
            name: "IX_feed_runs_FeedId_At",
            table: "feed_runs",
            columns: new[] { "FeedId", "At" });

        migrationBuilder.CreateIndex(
            name: "IX_supplier_feeds_NextRunAt",
            table: "supplier_feeds",
            column: "NextRunAt");

        migrationBuilder.CreateIndex(
            name: "IX_supplier_feeds_ShopId",
            table: "supplier_feeds",
            column: "ShopId");
    }

    /// <inheritdoc />
    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(
            name: "feed_runs");

        migrationBuilder.DropTable(
            name: "supplier_feeds");
    }
}
