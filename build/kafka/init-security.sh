#!/bin/bash
# Creates the topics, one SCRAM-SHA-512 principal per service and the ACLs that let each service write only
# its own topic and read only what it consumes (platform/Messaging/README.md, "Kafka security").
# Runs in the kafka-init container, which shares the broker's network namespace: it talks to the broker's
# loopback-only PLAINTEXT listener, the one place where the (super user) anonymous principal exists.
# Idempotent: every step may run again on the next `docker compose up`.
set -euo pipefail

BOOTSTRAP=127.0.0.1:19092
BIN=/opt/kafka/bin
PARTITIONS=${KAFKA_PARTITIONS:-6}

echo "waiting for the broker on $BOOTSTRAP"
for _ in $(seq 1 120); do
  "$BIN/kafka-broker-api-versions.sh" --bootstrap-server "$BOOTSTRAP" >/dev/null 2>&1 && break
  sleep 1
done
"$BIN/kafka-broker-api-versions.sh" --bootstrap-server "$BOOTSTRAP" >/dev/null

# Topics: the services do not create them (Kafka__CreateTopics=false), so no principal needs CREATE.
for topic in identity.events shop.events product.events order.events payment.events; do
  for name in "$topic" "$topic.dlq"; do
    "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
      --topic "$name" --partitions "$PARTITIONS" --replication-factor 1 >/dev/null
  done
done

# principal <name> <password>: a SCRAM-SHA-512 credential (the password never reaches the log).
principal() {
  [ -n "$2" ] || { echo "no password for $1" >&2; exit 1; }
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --alter --entity-type users --entity-name "$1" \
    --add-config "SCRAM-SHA-512=[iterations=8192,password=$2]" >/dev/null
  echo "principal $1"
}

# allow <principal> <operation> <topic>...
allow() {
  local who=$1 operation=$2; shift 2
  for topic in "$@"; do
    "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --add --allow-principal "User:$who" \
      --operation "$operation" --topic "$topic" >/dev/null
  done
  echo "  $operation: $*"
}

# groups <principal>: its consumer groups, all named after the app (its own group, and
# <app>.revocations.<id> for the token revocation listener of every instance).
groups() {
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --add --allow-principal "User:$1" \
    --operation Read --group "$1" --resource-pattern-type prefixed >/dev/null
  echo "  Read: groups $1*"
}

# Who writes and reads what: shared-contracts/Topics.cs and each service's Program.cs (Publishes/Consumes).
# A consumer also writes the dead-letter topic (<topic>.dlq) of every topic it consumes. Every process that
# validates tokens reads identity.events for TokenRevoked.
principal gateway "$KAFKA_PASSWORD_GATEWAY"
allow gateway Read identity.events
groups gateway

principal identity-service "$KAFKA_PASSWORD_IDENTITY"
allow identity-service Write identity.events
allow identity-service Read identity.events shop.events
allow identity-service Write shop.events.dlq
groups identity-service

principal shop-service "$KAFKA_PASSWORD_SHOP"
allow shop-service Write shop.events
# order.events: the dashboard's open-order count.
allow shop-service Read identity.events order.events
allow shop-service Write order.events.dlq
groups shop-service

principal product-service "$KAFKA_PASSWORD_PRODUCT"
allow product-service Write product.events
allow product-service Read identity.events shop.events order.events
allow product-service Write shop.events.dlq order.events.dlq
groups product-service

# order-service writes order.events (the saga's start and outcome) and reads the stock and payment outcomes
# (product.events, payment.events) and token revocations (identity.events).
principal order-service "$KAFKA_PASSWORD_ORDER"
allow order-service Write order.events
allow order-service Read identity.events product.events payment.events
allow order-service Write product.events.dlq payment.events.dlq
groups order-service

# payment-service: OrderCreated/OrderCancelled (order.events) record the amount due or refund, StockReserved
# (product.events) charges.
principal payment-service "$KAFKA_PASSWORD_PAYMENT"
allow payment-service Write payment.events
allow payment-service Read identity.events order.events product.events
allow payment-service Write order.events.dlq product.events.dlq
groups payment-service

# cart-service publishes nothing; it reads order.events (OrderConfirmed empties the cart) and identity.events
# (TokenRevoked, as every token validator).
principal cart-service "$KAFKA_PASSWORD_CART"
allow cart-service Read identity.events order.events
allow cart-service Write order.events.dlq
groups cart-service

# address-service publishes nothing; it consumes identity.events (UserDisabled, and TokenRevoked as every validator).
principal address-service "$KAFKA_PASSWORD_ADDRESS"
allow address-service Read identity.events
allow address-service Write identity.events.dlq
groups address-service

# notification-service publishes nothing; it mails from every other topic (and reads identity.events for TokenRevoked too).
principal notification-service "$KAFKA_PASSWORD_NOTIFICATION"
allow notification-service Read identity.events shop.events product.events order.events payment.events
allow notification-service Write identity.events.dlq shop.events.dlq product.events.dlq order.events.dlq payment.events.dlq
groups notification-service

echo "kafka security ready"
