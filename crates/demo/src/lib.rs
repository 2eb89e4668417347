//! starling-demo: a small microservice system (gateway, users, products,
//! orders, payments) on loopback, for starling or any other tool to aim at.
