-- Rotates the four catalog searches of bench/product-search/run.sh (one after another on every connection):
-- text search (relevance), category subtree, price range sorted by price, page 3 of the newest products.
local category = os.getenv("CATALOG_CATEGORY") or ""
local paths = {
  "/api/products?q=waterproof%20jack&size=20",
  "/api/products?category=" .. category .. "&size=20",
  "/api/products?minPrice=50&maxPrice=150&sort=price&size=20",
  "/api/products?sort=newest&page=3&size=20",
}
local counter = 0

request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
