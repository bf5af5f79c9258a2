variable "image_tag" {
  type    = string
  default = "1.4.2"
}

# wharf:ignore[WH203] staging runs one NAT gateway to save its hourly charge
resource "aws_nat_gateway" "this" {
  allocation_id = "eipalloc-0123"
  subnet_id     = "subnet-0123"
}

resource "aws_subnet" "private" {
  for_each          = { a = "us-east-1a", b = "us-east-1b" }
  vpc_id            = "vpc-0123"
  availability_zone = each.value
  cidr_block        = each.key == "a" ? "10.0.1.0/24" : "10.0.2.0/24"
}

module "app" {
  source    = "../modules/app"
  image_tag = var.image_tag
}

# wharf:ignore[WH501] nothing here is an ECR repository any more
resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets"
}
